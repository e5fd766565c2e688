package dev.vigil.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.RetrievedDocument;
import dev.vigil.spi.scorer.ScorerInput;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceGeneratorTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void traces_sameSeed_areEqual() {
        List<Trace> a = new TraceGenerator(7, "1", START, Duration.ofSeconds(2)).traces(50);
        List<Trace> b = new TraceGenerator(7, "1", START, Duration.ofSeconds(2)).traces(50);
        assertThat(a).isEqualTo(b);
        assertThat(a.stream().map(MlflowJson::writeTrace).toList())
                .isEqualTo(b.stream().map(MlflowJson::writeTrace).toList());
    }

    @Test
    void traces_otherSeed_differ() {
        Trace a = new TraceGenerator(7, "1").next();
        Trace b = new TraceGenerator(8, "1").next();
        assertThat(a.traceId()).isNotEqualTo(b.traceId());
    }

    @Test
    void next_requestTimesStrictlyIncreaseFromTheStartWithMillisecondPrecision() {
        List<Trace> traces = new TraceGenerator(3, "1", START, Duration.ofMillis(50)).traces(200);
        assertThat(traces.get(0).info().requestTime()).isEqualTo(START);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < traces.size(); i++) {
            Trace t = traces.get(i);
            ids.add(t.traceId());
            assertThat(t.info().requestTime().getNano() % 1_000_000).isZero();
            assertThat(t.experimentId()).isEqualTo("1");
            if (i > 0) {
                assertThat(t.info().requestTime()).isAfter(traces.get(i - 1).info().requestTime());
            }
        }
        assertThat(ids).hasSize(200);
        Instant last = traces.get(199).info().requestTime();
        // mean gap 50 ms: 199 gaps take about 10 s; a generous band, the seed is fixed
        assertThat(Duration.between(START, last)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    @Test
    void ragTrace_exposesQuestionAnswerAndRetrievalContext() {
        Trace t = new TraceGenerator(11, "1").ragTrace(START);
        Span root = t.rootSpan().orElseThrow();
        assertThat(root.spanType()).isIn(SpanTypes.CHAIN, SpanTypes.AGENT);
        ScorerInput in = ScorerInput.of(t);
        assertThat(in.input("question")).isInstanceOf(String.class);
        assertThat(in.outputs()).isInstanceOf(String.class);
        assertThat(t.info().requestPreview()).isEqualTo(in.input("question"));
        Map<String, List<RetrievedDocument>> context = in.retrievalContext();
        assertThat(context).hasSize(1);
        List<RetrievedDocument> docs = context.values().iterator().next();
        assertThat(docs).hasSizeBetween(2, 4);
        assertThat(docs).allSatisfy(d -> {
            assertThat(d.content()).startsWith("Section ");
            assertThat(d.docUri()).startsWith("https://docs.example.com/help/");
        });
        assertThat(t.spansOfType(SpanTypes.CHAT_MODEL)).hasSize(1);
        assertThat(t.info().state()).isEqualTo(TraceState.OK);
        assertThat(t.info().tags()).containsKeys("environment", "app.version");
        assertThat(t.info().traceMetadata()).containsKeys("mlflow.user", "mlflow.trace.session",
                "mlflow.traceName", "mlflow.trace.tokenUsage");
    }

    @Test
    void agentTrace_callsAToolAndAnswers() {
        Trace t = new TraceGenerator(12, "1").agentTrace(START);
        assertThat(t.rootSpan().orElseThrow().spanType()).isEqualTo(SpanTypes.AGENT);
        assertThat(t.spansOfType(SpanTypes.TOOL)).hasSize(1);
        assertThat(t.spansOfType(SpanTypes.CHAT_MODEL)).hasSize(2);
        assertThat(ScorerInput.of(t).input("messages")).isInstanceOf(List.class);
        assertThat(ScorerInput.of(t).outputs()).isInstanceOf(Map.class);
        for (Span s : t.spans()) {
            if (!s.isRoot()) {
                assertThat(s.parentSpanId()).isEqualTo(t.rootSpan().orElseThrow().spanId());
                assertThat(s.startTimeUnixNano()).isGreaterThanOrEqualTo(t.rootSpan().orElseThrow().startTimeUnixNano());
                assertThat(s.endTimeUnixNano()).isLessThanOrEqualTo(t.rootSpan().orElseThrow().endTimeUnixNano());
            }
        }
    }

    @Test
    void errorTrace_failsInItsToolWithAnExceptionEvent() {
        Trace t = new TraceGenerator(13, "1").errorTrace(START);
        assertThat(t.info().state()).isEqualTo(TraceState.ERROR);
        Span root = t.rootSpan().orElseThrow();
        assertThat(root.status().code()).isEqualTo(SpanStatusCode.ERROR);
        assertThat(root.outputs()).isNull();
        Span tool = t.spansOfType(SpanTypes.TOOL).get(0);
        assertThat(tool.status().code()).isEqualTo(SpanStatusCode.ERROR);
        assertThat(tool.events()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("exception");
            assertThat(e.attributes()).containsKeys("exception.type", "exception.message", "exception.stacktrace");
        });
    }

    @Test
    void next_mixesAllThreeShapesAtTheConfiguredRates() {
        List<Trace> traces = new TraceGenerator(5, "1").errorRate(0.2).agentRate(0.5).traces(1000);
        long errors = traces.stream().filter(t -> t.info().state() == TraceState.ERROR).count();
        long agents = traces.stream().filter(t -> t.info().state() == TraceState.OK
                && !t.spansOfType(SpanTypes.TOOL).isEmpty()).count();
        long rag = traces.stream().filter(t -> !t.spansOfType(SpanTypes.RETRIEVER).isEmpty()).count();
        assertThat(errors + agents + rag).isEqualTo(1000);
        // expected 200 errors, 400 agents, 400 RAG; ±5 standard deviations at n = 1000
        assertThat(errors).isBetween(137L, 263L);
        assertThat(agents).isBetween(322L, 478L);
        assertThat(rag).isBetween(322L, 478L);
    }

    @Test
    void generatedTraces_surviveTheMlflowJsonRoundTrip() {
        for (Trace t : new TraceGenerator(21, "1").errorRate(0.3).traces(60)) {
            assertThat(MlflowJson.readTrace(MlflowJson.writeTrace(t))).isEqualTo(t);
        }
    }
}
