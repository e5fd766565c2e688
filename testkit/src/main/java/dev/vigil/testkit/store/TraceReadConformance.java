package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FieldKind;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The conformance of trace reads: keyset-paged scans (filtered too), counts and the arrival tail. */
public abstract class TraceReadConformance extends TraceWriteConformance {

    // ================================================================== traces: scans

    @Test
    void scan_anyPageSize_returnsEveryTraceOnceInTimeThenIdOrder() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            // several traces share a request time: the id breaks the tie
            traces.add(simpleTrace(exp, String.format("tr-%03d", (i * 17) % 37), ms(i / 3)));
        }
        Collections.shuffle(traces, new java.util.Random(7));
        store.traces().put(traces);
        store.traces().put(List.of(simpleTrace(other, "tr-elsewhere", ms(5))));
        List<String> expected = traces.stream()
                .sorted((a, b) -> {
                    int c = a.info().requestTime().compareTo(b.info().requestTime());
                    return c != 0 ? c : a.traceId().compareTo(b.traceId());
                }).map(Trace::traceId).toList();
        for (int size : new int[] {1, 2, 3, 10, 36, 37, 38, 1000}) {
            assertThat(ids(scanAll(TraceQuery.all(exp), size))).as("page size " + size)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void scan_timeRange_includesFromAndExcludesToAtMillisecondPrecision() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(
                simpleTrace(exp, "tr-before", ms(999)),
                simpleTrace(exp, "tr-from", ms(1000)),
                simpleTrace(exp, "tr-inside", ms(1500)),
                simpleTrace(exp, "tr-last", ms(1999)),
                simpleTrace(exp, "tr-to", ms(2000)),
                simpleTrace(exp, "tr-after", ms(2001))));
        TraceQuery q = new TraceQuery(exp, ms(1000), ms(2000), null);
        assertThat(ids(scanAll(q, 2))).containsExactly("tr-from", "tr-inside", "tr-last");
        assertThat(ids(scanAll(new TraceQuery(exp, ms(1000), ms(1000), null), 5))).isEmpty();
        assertThat(ids(scanAll(new TraceQuery(exp, ms(1000), ms(1001), null), 5))).containsExactly("tr-from");
        assertThat(ids(scanAll(new TraceQuery(exp, null, ms(1000), null), 5))).containsExactly("tr-before");
        assertThat(ids(scanAll(new TraceQuery(exp, ms(2000), null, null), 5))).containsExactly("tr-to", "tr-after");
    }

    @Test
    void scan_whileOtherThreadsAppend_seesEveryEarlierTraceExactlyOnce() throws Exception {
        String exp = experiment("e").experimentId();
        List<Trace> before = new TraceGenerator(1, exp, T0, Duration.ofMillis(10)).traces(300);
        store.traces().put(before);
        AtomicBoolean scanning = new AtomicBoolean(true);
        AtomicInteger appended = new AtomicInteger();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(3, thread -> {
            if (thread == 0) {
                try {
                    String token = null;
                    for (int pages = 0; pages < 10_000; pages++) {
                        TracePage page = store.traces().scan(TraceQuery.all(exp), token, 7);
                        page.traces().forEach(t -> seen.add(t.traceId()));
                        token = page.nextPageToken();
                        if (token == null) {
                            return;
                        }
                    }
                    throw new AssertionError("scan did not end");
                } finally {
                    scanning.set(false);
                }
            }
            // writers: new traces all over the time range, before, among and after the existing ones
            TraceGenerator gen = new TraceGenerator(100 + thread, exp, T0.minusSeconds(1), Duration.ofMillis(13));
            for (int i = 0; i < 400 && scanning.get(); i++) {
                store.traces().put(List.of(gen.next(), gen.next()));
                appended.addAndGet(2);
            }
        });
        assertThat(new HashSet<>(seen)).as("no trace seen twice").hasSize(seen.size());
        assertThat(seen).as("every trace stored before the scan").containsAll(ids(before));
        assertThat(store.traces().count(exp)).isEqualTo(300 + appended.get());
    }

    // ------------------------------------------------------------------ traces: filtered scans

    private static FilterExpr eq(Field field, Object value) {
        return new FilterExpr.Comparison(field, Operator.EQ, List.of(value));
    }

    @Test
    void scan_withFilter_returnsOnlyMatchingTracesInOrderAcrossPages() {
        String exp = experiment("e").experimentId();
        List<Trace> traces = new TraceGenerator(31, exp).errorRate(0.2).agentRate(0.5).traces(120);
        store.traces().put(traces);
        // tags.environment = 'production' AND span.type = 'TOOL'
        FilterExpr filter = new FilterExpr.And(List.of(eq(Field.tag("environment"), "production"),
                eq(new Field(FieldKind.SPAN_TYPE, "type"), SpanTypes.TOOL)));
        List<String> expected = traces.stream()
                .filter(t -> "production".equals(t.info().tags().get("environment"))
                        && !t.spansOfType(SpanTypes.TOOL).isEmpty())
                .map(Trace::traceId).toList();
        assertThat(expected).hasSizeBetween(10, 110);
        for (int size : new int[] {1, 4, 1000}) {
            assertThat(ids(scanAll(new TraceQuery(exp, null, null, filter), size))).as("page size " + size)
                    .containsExactlyElementsOf(expected);
        }
        Instant from = traces.get(30).info().requestTime();
        Instant to = traces.get(90).info().requestTime();
        List<String> inRange = traces.subList(30, 90).stream()
                .filter(t -> "production".equals(t.info().tags().get("environment"))
                        && !t.spansOfType(SpanTypes.TOOL).isEmpty())
                .map(Trace::traceId).toList();
        assertThat(ids(scanAll(new TraceQuery(exp, from, to, filter), 3))).containsExactlyElementsOf(inRange);
    }

    @Test
    void scan_withFeedbackFilter_seesTheStoredAssessments() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0)), simpleTrace(exp, "tr-2", ms(1)),
                simpleTrace(exp, "tr-3", ms(2))));
        store.assessments().upsertScorerFeedback(List.of(scorerFeedback("tr-1", "relevance", "rel", 1, "yes"),
                scorerFeedback("tr-2", "relevance", "rel", 1, "no"),
                scorerFeedback("tr-3", "relevance", "rel", 1, "yes")));
        TraceQuery q = new TraceQuery(exp, null, null, eq(Field.feedback("relevance"), "yes"));
        assertThat(ids(scanAll(q, 1))).containsExactly("tr-1", "tr-3");
        store.assessments().upsertScorerFeedback(List.of(scorerFeedback("tr-1", "relevance", "rel", 1, "no")));
        assertThat(ids(scanAll(q, 1))).containsExactly("tr-3");
    }

    @Test
    void scan_withFilterMatchingNothing_endsWithNoTraces() {
        String exp = experiment("e").experimentId();
        store.traces().put(new TraceGenerator(32, exp).traces(20));
        TraceQuery q = new TraceQuery(exp, null, null, eq(Field.tag("environment"), "nowhere"));
        assertThat(scanAll(q, 3)).isEmpty();
    }

    @Test
    void scan_badPageTokenOrSize_rejected() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0)), simpleTrace(exp, "tr-2", ms(1)),
                simpleTrace(other, "tr-3", ms(0)), simpleTrace(other, "tr-4", ms(1))));
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(exp), "not-a-token!", 10))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(exp), "", 10))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(exp), null, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("0");
        String otherToken = store.traces().scan(TraceQuery.all(other), null, 1).nextPageToken();
        assertThat(otherToken).isNotNull();
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(exp), otherToken, 10))
                .as("a token of another experiment's scan").isInstanceOf(InvalidInputException.class);
    }

    @Test
    void scan_unknownExperiment_rejected() {
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all("no-such-experiment"), null, 10))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no-such-experiment");
    }

    @Test
    void count_unknownExperiment_isZero() {
        assertThat(store.traces().count("no-such-experiment")).isZero();
    }

    // ================================================================== traces: tail

    @Test
    void tail_returnsArrivalOrderAfterTheCursor() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        // arrival order differs from time order, and spans experiments
        store.traces().put(List.of(simpleTrace(exp, "tr-c", ms(30)), simpleTrace(exp, "tr-a", ms(10))));
        store.traces().put(List.of(simpleTrace(other, "tr-x", ms(0))));
        store.traces().put(List.of(simpleTrace(exp, "tr-b", ms(20))));
        List<TailEntry> all = store.traces().tail(0, 100);
        assertThat(all).extracting(e -> e.trace().traceId()).containsExactly("tr-c", "tr-a", "tr-x", "tr-b");
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).sequence()).isGreaterThan(all.get(i - 1).sequence());
        }
        assertThat(all.get(0).sequence()).isPositive();
        assertThat(store.traces().tail(0, 2)).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(store.traces().tail(all.get(1).sequence(), 100)).containsExactlyElementsOf(all.subList(2, 4));
        assertThat(store.traces().tail(all.get(3).sequence(), 100)).isEmpty();
        store.traces().put(List.of(simpleTrace(exp, "tr-d", ms(5))));
        assertThat(store.traces().tail(all.get(3).sequence(), 100)).extracting(e -> e.trace().traceId())
                .containsExactly("tr-d");
    }

    @Test
    void tail_carriesTheTracesCurrentAssessments() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment a = store.assessments().append(Assessment.builder().name("n").traceId("tr-1")
                .source(AssessmentSource.human("u")).createTime(T0).feedback(1L).build());
        assertThat(store.traces().tail(0, 1).get(0).trace().info().assessments()).containsExactly(a);
    }

    @Test
    void tail_badArguments_rejected() {
        assertThatThrownBy(() -> store.traces().tail(-1, 10)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.traces().tail(0, 0)).isInstanceOf(InvalidInputException.class);
    }
}
