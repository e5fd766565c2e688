package dev.vigil.storage.fs;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Realistic traces (a RAG request: root chain, a retriever, an LLM call) and scorer feedback for the tests. */
final class TestTraces {
    private TestTraces() {}

    static String hex32(long n) {
        return String.format("%032x", n);
    }

    static Trace rag(String experimentId, long n, Instant time) {
        String traceId = "tr-" + hex32(n);
        String otel = traceId;
        long start = time.getEpochSecond() * 1_000_000_000L + time.getNano();
        Map<String, Object> question = Map.of("messages", List.of(Map.of("role", "user",
                "content", "What is MLflow Tracing? (question " + n + ", é ü 漢字)")));
        Map<String, Object> answer = Map.of("choices", List.of(Map.of("message", Map.of("role", "assistant",
                "content", "MLflow Tracing records the inputs, outputs and steps of a GenAI app. #" + n))));
        List<Object> docs = List.of(
                Map.of("page_content", "MLflow Tracing captures spans.", "metadata", Map.of("doc_uri", "doc://" + n)),
                Map.of("page_content", "Spans have inputs and outputs.", "metadata", Map.of("doc_uri", "doc://x")));
        Span root = new Span(otel, "00000000000000a1", null, "rag_chain", start, start + 900_000_000L, SpanStatus.OK,
                "CHAIN", question, answer, Map.of("app.version", "1.4.2"), List.of());
        Span retriever = new Span(otel, "00000000000000a2", "00000000000000a1", "retrieve", start + 1_000_000L,
                start + 200_000_000L, SpanStatus.OK, "RETRIEVER", Map.of("query", "What is MLflow Tracing?"), docs,
                Map.of(), List.of());
        Span llm = new Span(otel, "00000000000000a3", "00000000000000a1", "chat", start + 210_000_000L,
                start + 890_000_000L, n % 7 == 0 ? SpanStatus.error("rate limited") : SpanStatus.OK, "CHAT_MODEL",
                question, answer, Map.of("mlflow.chat.tokenUsage", Map.of("input_tokens", 52L, "output_tokens", 17L)),
                List.of(new SpanEvent("retry", start + 300_000_000L, Map.of("attempt", 1L))));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("mlflow.traceName", "rag_chain");
        metadata.put("mlflow.trace.sizeBytes", Long.toString(2000 + n));
        TraceInfo info = TraceInfo.builder().traceId(traceId).experimentId(experimentId).requestTime(time)
                .executionDurationMs(900L).state(TraceState.OK).requestPreview("What is MLflow Tracing?")
                .responsePreview("MLflow Tracing records...").clientRequestId("req-" + n).traceMetadata(metadata)
                .tag("env", n % 2 == 0 ? "prod" : "staging").build();
        return new Trace(info, List.of(root, retriever, llm));
    }

    static Assessment feedback(String traceId, String name, String scorer, int version, Object value, Instant at) {
        return Assessment.builder().name(name).traceId(traceId).source(AssessmentSource.code(scorer))
                .createTime(at).feedback(value).rationale("because " + value)
                .metadata(Assessment.METADATA_SCORER_NAME, scorer)
                .metadata(Assessment.METADATA_SCORER_VERSION, Integer.toString(version)).build();
    }
}
