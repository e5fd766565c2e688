package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.testkit.TraceGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The conformance of experiments and of trace writes: round trips of every field, and bad input rejected whole. */
public abstract class TraceWriteConformance extends StoreConformanceBase {

    // ================================================================== experiments

    @Test
    void getOrCreate_sameNameTwice_returnsTheSameExperiment() {
        Experiment a = experiment("checkout-bot");
        Experiment b = experiment("checkout-bot");
        assertThat(b).isEqualTo(a);
        assertThat(store.experiments().get(a.experimentId())).contains(a);
        assertThat(store.experiments().findByName("checkout-bot")).contains(a);
        assertThat(store.experiments().findByName("other")).isEmpty();
        assertThat(a.createdAt()).isEqualTo(T0);
    }

    @Test
    void list_severalExperiments_inCreationOrderWithDistinctIds() {
        Experiment a = experiment("a");
        Experiment b = experiment("b ✓ ünïcödé");
        Experiment c = experiment("c");
        assertThat(store.experiments().list()).containsExactly(a, b, c);
        assertThat(Set.of(a.experimentId(), b.experimentId(), c.experimentId())).hasSize(3);
    }

    @Test
    void getOrCreate_concurrentCallers_allGetOneExperiment() throws Exception {
        Set<Experiment> seen = ConcurrentHashMap.newKeySet();
        runConcurrently(6, t -> {
            for (int i = 0; i < 20; i++) {
                seen.add(experiment("shared-" + i));
            }
        });
        assertThat(seen).hasSize(20);
        assertThat(store.experiments().list()).hasSize(20);
    }

    @Test
    void getOrCreate_badName_rejectedAndNothingCreated() {
        assertThatThrownBy(() -> experiment("")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("1–256");
        assertThatThrownBy(() -> experiment("x".repeat(257))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("257");
        assertThatThrownBy(() -> experiment("tab\there")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("control character");
        assertThat(store.experiments().list()).isEmpty();
    }

    // ================================================================== traces: round trips

    @Test
    void put_generatedTraces_roundTripEveryField() {
        String exp = experiment("gen").experimentId();
        List<Trace> traces = new TraceGenerator(42, exp).errorRate(0.3).traces(30);
        store.traces().put(traces);
        for (Trace t : traces) {
            assertThat(store.traces().get(t.traceId())).contains(t);
        }
        assertThat(store.traces().count(exp)).isEqualTo(30);
    }

    @Test
    void put_traceWithEveryFieldSet_roundTripsExactly() {
        String exp = experiment("full").experimentId();
        String id = "tr-0123456789abcdef0123456789abcdef";
        long t0 = ms(1234).toEpochMilli() * 1_000_000L + 987_654L; // sub-millisecond nanos must survive
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("model", "gpt-4o-mini");
        attrs.put("temperature", 0.7);
        attrs.put("max_tokens", 512L);
        attrs.put("stream", false);
        attrs.put("stop", List.of("\n\n", "END"));
        attrs.put("nested", Map.of("a", List.of(1L, 2.5, "x", true), "b", Map.of()));
        attrs.put("nothing", null);
        attrs.put("big", Long.MAX_VALUE);
        Map<String, Object> evAttrs = new LinkedHashMap<>();
        evAttrs.put("exception.type", "ValueError");
        evAttrs.put("exception.message", "bad value");
        evAttrs.put("count", 3L);
        Span root = Span.builder().traceId(id).spanId("1111111111111111").name("agent").spanType(SpanTypes.AGENT)
                .startTimeUnixNano(t0).endTimeUnixNano(t0 + 3_000_000_123L).status(SpanStatus.error("tool failed"))
                .inputs(Map.of("messages", List.of(Map.of("role", "user", "content", "hi")))).outputs(null)
                .attributes(attrs).events(List.of(new SpanEvent("exception", t0 + 17, evAttrs),
                        new SpanEvent("retry", t0 + 18, Map.of())))
                .build();
        Span retriever = Span.builder().traceId(id).spanId("2222222222222222").parentSpanId("1111111111111111")
                .name("retrieve").spanType(SpanTypes.RETRIEVER).startTimeUnixNano(t0 + 1).endTimeUnixNano(t0 + 2)
                .status(SpanStatus.OK).inputs("plain string input")
                .outputs(List.of(Map.of("page_content", "doc", "metadata", Map.of("doc_uri", "s3://b/k"))))
                .build();
        Span custom = Span.builder().traceId(id).spanId("3333333333333333").parentSpanId("1111111111111111")
                .name("").spanType("MY_CUSTOM_TYPE").startTimeUnixNano(t0 + 3).endTimeUnixNano(0)
                .status(SpanStatus.UNSET).inputs(42L).outputs(List.of()).build();
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(exp).requestTime(ms(1234))
                .executionDurationMs(3001L).state(TraceState.ERROR).requestPreview("hi")
                .responsePreview("").clientRequestId("client-req-7")
                .traceMetadata("mlflow.user", "alice").traceMetadata("mlflow.trace.session", "s-1")
                .traceMetadata("empty", "").tag("environment", "production").tag("team", "search")
                .build();
        Trace trace = new Trace(info, List.of(root, retriever, custom));
        store.traces().put(List.of(trace));
        Trace back = store.traces().get(id).orElseThrow();
        assertThat(back.info()).isEqualTo(info);
        assertThat(back.spans()).containsExactlyElementsOf(trace.spans());
        assertThat(back).isEqualTo(trace);
    }

    @Test
    void put_traceWithoutSpansAndOptionalFieldsNull_roundTrips() {
        String exp = experiment("sparse").experimentId();
        TraceInfo info = TraceInfo.builder().traceId("tr-sparse").experimentId(exp).requestTime(ms(0))
                .state(TraceState.IN_PROGRESS).build();
        Trace trace = new Trace(info, List.of());
        store.traces().put(List.of(trace));
        assertThat(store.traces().get("tr-sparse")).contains(trace);
    }

    @Test
    void put_unicodeEmptyAndLargePayloads_roundTrip() {
        String exp = experiment("payloads").experimentId();
        String unicode = "héllo wörld — 你好，世界 — مرحبا بالعالم — 🎉👩‍💻🏳️‍🌈 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 — e\u0301 — \"quotes\" 'single' \\ / \t\n\r";
        StringBuilder mb = new StringBuilder(1 << 20);
        for (int i = 0; mb.length() < (1 << 20); i++) {
            mb.append("chunk ").append(i).append(" ünï ");
        }
        String oneMb = mb.substring(0, 1 << 20);
        String id = "tr-ünïcødé-🎉";
        Span span = Span.builder().traceId(id).spanId("abcdefabcdefabcd").name(unicode).spanType(SpanTypes.LLM)
                .startTimeUnixNano(1).endTimeUnixNano(2).status(new SpanStatus(dev.vigil.spi.model.SpanStatusCode.ERROR, unicode))
                .inputs(Map.of(unicode, unicode, "", "", "emptyList", List.of(), "emptyMap", Map.of()))
                .outputs(oneMb).attribute("u", unicode).attribute("empty", "").build();
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(exp).requestTime(ms(1))
                .requestPreview(unicode).responsePreview(oneMb).tag(unicode, unicode).tag("", "")
                .traceMetadata("k", unicode).build();
        Trace trace = new Trace(info, List.of(span));
        store.traces().put(List.of(trace));
        Trace back = store.traces().get(id).orElseThrow();
        assertThat(back.spans().get(0).outputs()).isEqualTo(oneMb);
        assertThat(back).isEqualTo(trace);
        assertThat(ids(scanAll(TraceQuery.all(exp), 10))).containsExactly(id);
    }

    @Test
    void put_assessmentsInsideTheInfo_areNotWritten() {
        String exp = experiment("e").experimentId();
        Trace t = simpleTrace(exp, "tr-1", ms(0));
        Assessment a = Assessment.builder().name("n").traceId("tr-1").source(AssessmentSource.human("u"))
                .createTime(T0).feedback(true).build();
        store.traces().put(List.of(t.withAssessments(List.of(a))));
        assertThat(store.assessments().listByTrace("tr-1")).isEmpty();
        assertThat(store.traces().get("tr-1")).contains(t);
    }

    @Test
    void get_unknownId_isEmpty() {
        assertThat(store.traces().get("tr-nope")).isEmpty();
    }

    @Test
    void put_existingId_replacesTheTraceAndGivesItANewSequence() {
        String exp = experiment("e").experimentId();
        Trace running = new Trace(simpleTrace(exp, "tr-1", ms(0)).info().toBuilder().state(TraceState.IN_PROGRESS)
                .executionDurationMs(null).build(), List.of());
        store.traces().put(List.of(running, simpleTrace(exp, "tr-2", ms(1))));
        long firstSeq = store.traces().tail(0, 10).get(0).sequence();
        Trace done = simpleTrace(exp, "tr-1", ms(0));
        store.traces().put(List.of(done));
        assertThat(store.traces().get("tr-1")).contains(done);
        assertThat(store.traces().count(exp)).isEqualTo(2);
        List<TailEntry> tail = store.traces().tail(0, 10);
        assertThat(tail).extracting(e -> e.trace().traceId()).containsExactly("tr-2", "tr-1");
        assertThat(tail.get(1).sequence()).isGreaterThan(tail.get(0).sequence()).isGreaterThan(firstSeq);
        assertThat(tail.get(1).trace()).isEqualTo(done);
        assertThat(ids(scanAll(TraceQuery.all(exp), 1))).containsExactly("tr-1", "tr-2");
    }

    @Test
    void put_replacedTraceKeepsItsAssessments() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment a = store.assessments().append(Assessment.builder().name("thumbs").traceId("tr-1")
                .source(AssessmentSource.human("u1")).createTime(T0).feedback(false).build());
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        assertThat(store.traces().get("tr-1").orElseThrow().info().assessments()).containsExactly(a);
    }

    // ================================================================== traces: bad input

    @Test
    void put_batchWithAnUnknownExperiment_writesNothingAndNamesIt() {
        String exp = experiment("e").experimentId();
        Trace good = simpleTrace(exp, "tr-good", ms(0));
        Trace bad = simpleTrace("no-such-experiment", "tr-bad", ms(1));
        assertThatThrownBy(() -> store.traces().put(List.of(good, bad)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no-such-experiment");
        assertThat(store.traces().get("tr-good")).isEmpty();
        assertThat(store.traces().get("tr-bad")).isEmpty();
        assertThat(store.traces().count(exp)).isZero();
        assertThat(store.traces().tail(0, 10)).isEmpty();
    }

    @Test
    void put_batchWithASpanOfAnotherTrace_writesNothing() {
        String exp = experiment("e").experimentId();
        Trace good = simpleTrace(exp, "tr-good", ms(0));
        Trace other = simpleTrace(exp, "tr-other", ms(0));
        Trace mixed = new Trace(simpleTrace(exp, "tr-mixed", ms(0)).info(), other.spans());
        assertThatThrownBy(() -> store.traces().put(List.of(good, mixed)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tr-other");
        assertThat(store.traces().tail(0, 10)).isEmpty();
    }

    @Test
    void put_batchWithANullTrace_writesNothing() {
        String exp = experiment("e").experimentId();
        List<Trace> batch = new ArrayList<>();
        batch.add(simpleTrace(exp, "tr-good", ms(0)));
        batch.add(null);
        assertThatThrownBy(() -> store.traces().put(batch)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("null");
        assertThat(store.traces().get("tr-good")).isEmpty();
    }

    @Test
    void traces_missingIdsOrNegativeTimes_cannotEvenBeBuilt() {
        // the model rejects these before any store sees them; the messages say what is wrong
        assertThatThrownBy(() -> TraceInfo.builder().experimentId("1").requestTime(T0).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("trace id");
        assertThatThrownBy(() -> TraceInfo.builder().traceId("tr-x").requestTime(T0).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("experiment id");
        assertThatThrownBy(() -> TraceInfo.builder().traceId("tr-x").experimentId("1")
                .requestTime(Instant.ofEpochMilli(-1)).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negative request time");
        assertThatThrownBy(() -> Span.builder().traceId("tr-x").spanId("s").startTimeUnixNano(-5).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negative time");
        assertThatThrownBy(() -> Span.builder().traceId("tr-x").name("n").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no span id");
    }
}
