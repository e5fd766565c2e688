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
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conformance of {@link dev.vigil.spi.store.TraceStore#count(TraceQuery)}: the count of a range, with or without a
 * filter, is exactly the number of traces a scan of the same query returns (what a backfill shows as its total
 * before it starts). Each test compares the count with a full scan on the same store, with filters a SQL store
 * pushes down exactly (tags), ones it can only narrow (span types), and ones over stored assessments. Subclass it
 * once per backend.
 */
public abstract class TraceCountConformanceSuite extends StoreSuiteBase {

    /** The suite's start time. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Opens each test's store at {@link #T0}. */
    protected TraceCountConformanceSuite() {
        super(T0);
    }

    private String experiment(String name) {
        return store.experiments().getOrCreate(name).experimentId();
    }

    private long scanned(TraceQuery q) {
        long n = 0;
        String token = null;
        do {
            TracePage page = store.traces().scan(q, token, 7);
            n += page.traces().size();
            token = page.nextPageToken();
        } while (token != null);
        return n;
    }

    private static java.util.stream.Stream<Trace> inRange(List<Trace> traces, Instant from, Instant to) {
        return traces.stream().filter(t -> !t.info().requestTime().isBefore(from) && t.info().requestTime().isBefore(to));
    }

    private static FilterExpr eq(Field field, Object value) {
        return new FilterExpr.Comparison(field, Operator.EQ, List.of(value));
    }

    private static Trace trace(String experimentId, String traceId, Instant requestTime) {
        long start = requestTime.getEpochSecond() * 1_000_000_000L + requestTime.getNano();
        Span root = Span.builder().traceId(traceId).spanId("00000000000000a1").name("root").spanType(SpanTypes.CHAIN)
                .startTimeUnixNano(start).endTimeUnixNano(start + 5_000_000L).status(SpanStatus.OK)
                .inputs(Map.of("question", "q " + traceId)).outputs("a " + traceId).build();
        TraceInfo info = TraceInfo.builder().traceId(traceId).experimentId(experimentId).requestTime(requestTime)
                .executionDurationMs(5L).state(TraceState.OK).build();
        return new Trace(info, List.of(root));
    }

    @Test
    void count_withoutFilter_isTheNumberOfTracesInTheRange() {
        String exp = experiment("count");
        List<Trace> traces = new TraceGenerator(41, exp, T0, Duration.ofSeconds(10)).traces(150);
        store.traces().put(traces);
        store.traces().put(new TraceGenerator(42, experiment("other"), T0, Duration.ofSeconds(10)).traces(40));

        assertThat(store.traces().count(TraceQuery.all(exp))).isEqualTo(150);
        Instant from = traces.get(20).info().requestTime();
        Instant to = traces.get(120).info().requestTime();
        TraceQuery range = new TraceQuery(exp, from, to, null);
        assertThat(store.traces().count(range)).as("from inclusive, to exclusive")
                .isEqualTo(inRange(traces, from, to).count()).isEqualTo(scanned(range)).isBetween(90L, 100L);
        assertThat(store.traces().count(new TraceQuery(exp, from, from, null))).as("an empty range").isZero();
        assertThat(store.traces().count(new TraceQuery(exp, T0.minusSeconds(3600), T0, null))).isZero();
    }

    @Test
    void count_rangeBoundsBelowAMillisecond_matchTheScan() {
        String exp = experiment("nanos");
        Instant base = T0.plusMillis(5);
        store.traces().put(List.of(trace(exp, "tr-a", base), trace(exp, "tr-b", base.plusNanos(300)),
                trace(exp, "tr-c", base.plusNanos(700)), trace(exp, "tr-d", base.plusMillis(1))));
        for (TraceQuery q : List.of(new TraceQuery(exp, base.plusNanos(300), base.plusNanos(700), null),
                new TraceQuery(exp, base.plusNanos(1), base.plusMillis(1), null),
                new TraceQuery(exp, base, base.plusNanos(301), null))) {
            assertThat(store.traces().count(q)).as(q.toString()).isEqualTo(scanned(q));
        }
        assertThat(store.traces().count(new TraceQuery(exp, base.plusNanos(300), base.plusNanos(700), null)))
                .isEqualTo(1);
    }

    @Test
    void count_withFilters_equalsWhatTheScanReturns() {
        String exp = experiment("filtered");
        List<Trace> traces = new TraceGenerator(43, exp, T0, Duration.ofSeconds(5)).errorRate(0.2).agentRate(0.5)
                .traces(200);
        store.traces().put(traces);
        Instant from = traces.get(10).info().requestTime();
        Instant to = traces.get(170).info().requestTime();
        FilterExpr tag = eq(Field.tag("environment"), "production");
        FilterExpr spanType = eq(new Field(FieldKind.SPAN_TYPE, "type"), SpanTypes.TOOL);
        FilterExpr both = new FilterExpr.And(List.of(tag, spanType));
        long tagged = inRange(traces, from, to)
                .filter(t -> "production".equals(t.info().tags().get("environment"))).count();
        long tools = inRange(traces, from, to).filter(t -> !t.spansOfType(SpanTypes.TOOL).isEmpty()).count();
        assertThat(tagged).as("the generator's mix").isBetween(10L, 150L);
        assertThat(tools).as("the generator's mix").isBetween(10L, 150L);

        assertThat(store.traces().count(new TraceQuery(exp, from, to, tag))).isEqualTo(tagged);
        assertThat(store.traces().count(new TraceQuery(exp, from, to, spanType))).isEqualTo(tools);
        for (FilterExpr f : List.of(tag, spanType, both, eq(Field.tag("environment"), "nowhere"))) {
            TraceQuery q = new TraceQuery(exp, from, to, f);
            assertThat(store.traces().count(q)).as(f.toString()).isEqualTo(scanned(q));
        }
    }

    @Test
    void count_withFeedbackFilter_seesTheStoredAssessments() {
        String exp = experiment("feedback");
        store.traces().put(List.of(trace(exp, "tr-1", T0), trace(exp, "tr-2", T0.plusSeconds(1)),
                trace(exp, "tr-3", T0.plusSeconds(2))));
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "yes"), feedback("tr-2", "no"),
                feedback("tr-3", "yes")));
        TraceQuery q = new TraceQuery(exp, null, null, eq(Field.feedback("relevance"), "yes"));
        assertThat(store.traces().count(q)).isEqualTo(2);

        store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "no")));
        assertThat(store.traces().count(q)).isEqualTo(1).isEqualTo(scanned(q));
    }

    @Test
    void count_followsWrites_andReplacingATraceDoesNotCountItTwice() {
        String exp = experiment("writes");
        TraceQuery q = TraceQuery.all(exp);
        assertThat(store.traces().count(q)).isZero();
        store.traces().put(List.of(trace(exp, "tr-1", T0), trace(exp, "tr-2", T0.plusSeconds(1))));
        store.traces().put(List.of(trace(exp, "tr-2", T0.plusSeconds(1)), trace(exp, "tr-3", T0.plusSeconds(2))));
        assertThat(store.traces().count(q)).isEqualTo(3).isEqualTo(store.traces().count(exp));
    }

    @Test
    void count_unknownExperiment_rejectedWithItsId() {
        assertThatThrownBy(() -> store.traces().count(TraceQuery.all("no-such-experiment")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no-such-experiment");
    }

    private Assessment feedback(String traceId, Object value) {
        return Assessment.builder().name("relevance").traceId(traceId).source(AssessmentSource.code("rel"))
                .createTime(clock.instant()).feedback(value).metadata(Assessment.METADATA_SCORER_NAME, "rel")
                .metadata(Assessment.METADATA_SCORER_VERSION, "1").build();
    }
}
