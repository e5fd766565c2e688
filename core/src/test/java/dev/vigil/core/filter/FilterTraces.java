package dev.vigil.core.filter;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.List;

/** A trace with every field the filter language reads, with known values. */
final class FilterTraces {

    static final String ID = "tr-0af7651916cd43dd8448eb211c80319c";
    static final long START_MS = 1_717_200_000_000L; // 2024-06-01T00:00:00Z

    private FilterTraces() {}

    static Trace rich() {
        Instant t0 = Instant.ofEpochMilli(START_MS);
        TraceInfo info = TraceInfo.builder().traceId(ID).experimentId("7").requestTime(t0)
                .executionDurationMs(1500L).state(TraceState.OK).clientRequestId("req-42")
                .traceMetadata("mlflow.sourceRun", "run-7").traceMetadata("mlflow.user", "alice")
                .traceMetadata("tokens", "1234")
                .tag("env", "prod").tag("team", "Search").tag("mlflow.traceName", "chat_pipeline")
                .tag("o'brien", "quote's").tag("mlflow.linkedPrompts", "[{\"name\": \"qa\", \"version\": \"2\"}]")
                .assessments(List.of(
                        feedback("user_rating", "no", true),
                        feedback("relevance", 0.8, true),
                        feedback("safe", true, true),
                        feedback("old_rating", "yes", false),
                        Assessment.builder().name("expected_response").traceId(ID)
                                .source(AssessmentSource.human("bob")).createTime(t0).expectation("Paris").build()))
                .build();
        long ns = START_MS * 1_000_000L;
        List<Span> spans = List.of(
                span("s1", null, "chat_pipeline", SpanTypes.AGENT, SpanStatus.OK, ns).build(),
                span("s2", "s1", "retrieve_docs", SpanTypes.RETRIEVER, SpanStatus.OK, ns + 10)
                        .attribute("k", 5L).attribute("index.name", "docs-v2").build(),
                span("s3", "s1", "llm", SpanTypes.CHAT_MODEL, SpanStatus.error("rate limited"), ns + 20)
                        .attribute("model", "gpt-4o").attribute("temperature", 0.2).build());
        return new Trace(info, spans);
    }

    /** A trace with almost nothing: no duration, tags, metadata, spans or assessments. */
    static Trace bare() {
        return new Trace(TraceInfo.builder().traceId("tr-bare").experimentId("7")
                .requestTime(Instant.ofEpochMilli(1000)).state(TraceState.IN_PROGRESS).build(), List.of());
    }

    private static Span.Builder span(String id, String parent, String name, String type, SpanStatus status,
            long startNs) {
        return Span.builder().traceId(ID).spanId(id).parentSpanId(parent).name(name).spanType(type).status(status)
                .startTimeUnixNano(startNs).endTimeUnixNano(startNs + 1_000_000);
    }

    private static Assessment feedback(String name, Object value, boolean valid) {
        return Assessment.builder().name(name).traceId(ID).source(AssessmentSource.human("alice"))
                .createTime(Instant.ofEpochMilli(START_MS)).feedback(value).valid(valid).build();
    }
}
