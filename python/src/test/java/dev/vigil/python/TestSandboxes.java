package dev.vigil.python;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.scorer.ScorerInput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One sandbox for all the tests of this module (its engine, contexts and worker processes are expensive to start).
 * Its time budget counts only a scorer's own run (not a context's start nor loading the source, which have the
 * default load budget): the well-behaved scorers of the tests take milliseconds, so 10 s holds on a busy machine,
 * and hostile ones are still stopped without a long wait.
 */
final class TestSandboxes {
    static final Duration BUDGET = Duration.ofSeconds(10);
    private static PythonSandbox sandbox;

    private TestSandboxes() {}

    static synchronized PythonSandbox sandbox() {
        if (sandbox == null) {
            sandbox = PythonSandbox.builder()
                    .timeBudget(BUDGET)
                    .allocationBudgetBytes(256L << 20)
                    .contexts(2)
                    .processes(2)
                    .processHeapMb(512)
                    .outputLimitBytes(16 << 10)
                    .quarantineAfterOverruns(3)
                    .cancelGrace(Duration.ofMillis(500))
                    .build();
        }
        return sandbox;
    }

    static PythonScorer scorer(String name, String source, Isolation isolation) {
        return PythonScorer.builder().name(name).source(source).isolation(isolation).sandbox(sandbox()).build();
    }

    /** A trace whose root span has {"query": query} as inputs and {"response": response} as outputs. */
    static Trace trace(String id, String query, String response) {
        String traceId = "tr-" + id;
        Span root = Span.builder().traceId(traceId).spanId("root-" + id).name("agent").spanType("AGENT")
                .startTimeUnixNano(1_000).endTimeUnixNano(2_000).status(SpanStatus.OK)
                .inputs(Map.of("query", query)).outputs(Map.of("response", response)).build();
        Span llm = Span.builder().traceId(traceId).spanId("llm-" + id).parentSpanId("root-" + id).name("chat")
                .spanType("CHAT_MODEL").startTimeUnixNano(1_100).endTimeUnixNano(1_900).status(SpanStatus.OK)
                .inputs(Map.of("messages", List.of(Map.of("role", "user", "content", query))))
                .outputs(Map.of("content", response)).attribute("model", "gpt-x").build();
        Span retriever = Span.builder().traceId(traceId).spanId("ret-" + id).parentSpanId("root-" + id)
                .name("search").spanType("RETRIEVER").startTimeUnixNano(1_050).endTimeUnixNano(1_090)
                .status(SpanStatus.OK).inputs(Map.of("q", query))
                .outputs(List.of(Map.of("page_content", "Databricks is a data platform",
                        "metadata", Map.of("doc_uri", "doc://1")))).build();
        TraceInfo info = TraceInfo.builder().traceId(traceId).experimentId("1")
                .requestTime(Instant.parse("2025-06-01T10:00:00Z")).executionDurationMs(1L)
                .traceMetadata("mlflow.traceName", "agent").tag("env", "test").build();
        return new Trace(info, List.of(root, llm, retriever));
    }

    static ScorerInput input(String id, String query, String response) {
        return ScorerInput.of(trace(id, query, response));
    }
}
