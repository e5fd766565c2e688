package dev.vigil.judges;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.scorer.ScorerInput;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Traces for judge tests, built with the spi builders. */
final class TestTraces {
    static final String TRACE_ID = "tr-0123456789abcdef0123456789abcdef";
    static final String QUESTION = "What is MLflow Tracing used for?";
    static final String ANSWER = "MLflow Tracing records each step of a GenAI application so you can debug and monitor it.";
    static final String DOC_1 = "MLflow Tracing captures the inputs, outputs and metadata of every step of a request.";
    static final String DOC_2 = "The Eiffel Tower is 330 metres tall.";
    static final String DOC_3 = "Traces can be scored in production by monitoring jobs.";

    private TestTraces() {}

    /** A chat RAG agent: AGENT root, two top-level RETRIEVER spans (one with a nested retriever), a TOOL span. */
    static Trace ragTrace() {
        long t = 1_700_000_000_000_000_000L;
        Span root = span("a0", null, "agent", SpanTypes.AGENT, t)
                .inputs(Map.of("messages", List.of(Map.of("role", "system", "content", "Be brief."),
                        Map.of("role", "user", "content", QUESTION))))
                .outputs(Map.of("choices", List.of(Map.of("index", 0, "message",
                        Map.of("role", "assistant", "content", ANSWER)))))
                .build();
        Span r1 = span("b1", "a0", "search_docs", SpanTypes.RETRIEVER, t + 1)
                .inputs(Map.of("query", QUESTION))
                .outputs(List.of(doc(DOC_1, "https://mlflow.org/docs/tracing"), doc(DOC_2, "https://example.com/eiffel")))
                .build();
        Span nested = span("c1", "b1", "inner_retriever", SpanTypes.RETRIEVER, t + 2)
                .outputs(List.of(doc("nested document, not top-level", null))).build();
        Span r2 = span("b2", "a0", "search_blog", SpanTypes.RETRIEVER, t + 3)
                .outputs(List.of(doc(DOC_3, "https://mlflow.org/blog/monitoring"))).build();
        Span tool = span("d1", "a0", "get_weather", SpanTypes.TOOL, t + 4)
                .inputs(Map.of("city", "Paris")).outputs(Map.of("temperature_c", 18)).build();
        Span tool2 = span("d2", "a0", "get_weather", SpanTypes.TOOL, t + 5)
                .inputs(Map.of("city", "Paris")).outputs(Map.of("temperature_c", 18)).build();
        TraceInfo info = TraceInfo.builder().traceId(TRACE_ID).experimentId("1")
                .requestTime(Instant.ofEpochSecond(1_700_000_000L)).build();
        return new Trace(info, List.of(root, r1, nested, r2, tool, tool2));
    }

    static ScorerInput input(Map<String, Object> expectations) {
        Trace trace = ragTrace();
        Span root = trace.rootSpan().orElseThrow();
        return new ScorerInput(root.inputs(), root.outputs(), expectations, trace);
    }

    static ScorerInput input() {
        return input(Map.of());
    }

    private static Span.Builder span(String id, String parent, String name, String type, long start) {
        return Span.builder().traceId(TRACE_ID).spanId(id).parentSpanId(parent).name(name).spanType(type)
                .startTimeUnixNano(start).endTimeUnixNano(start + 1000);
    }

    private static Map<String, Object> doc(String content, String uri) {
        return uri == null ? Map.of("page_content", content)
                : Map.of("page_content", content, "metadata", Map.of("doc_uri", uri));
    }
}
