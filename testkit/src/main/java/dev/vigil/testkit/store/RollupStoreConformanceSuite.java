package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.support.RollupRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance of a store's {@link dev.vigil.spi.store.RollupStore}: the hourly rows always equal the rows computed
 * from {@code valuesByScorer} over the same hours (random feedback of every kind, rates, versions, replacements),
 * replaced feedback is not counted twice, re-stored traces take their feedback to their new hour, rebuild
 * recomputes the same rows, bad ranges are refused, and concurrent writers lose no count. Subclass it once per
 * backend; override {@link #reopenStore(Clock)} for a durable backend.
 */
public abstract class RollupStoreConformanceSuite extends StoreSuiteBase {

    /** The suite's start time: a whole hour. */
    protected static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant END = T0.plus(Duration.ofHours(12));

    private String exp;

    /** Opens each test's store at {@link #T0}. */
    protected RollupStoreConformanceSuite() {
        super(T0);
    }

    @BeforeEach
    void createRollupsExperiment() {
        exp = store.experiments().getOrCreate("rollups").experimentId();
    }

    private static Trace trace(String experimentId, String id, Instant at) {
        long start = at.toEpochMilli() * 1_000_000L;
        Span root = Span.builder().traceId(id).spanId("00000000000000a1").name("root").spanType(SpanTypes.CHAIN)
                .startTimeUnixNano(start).endTimeUnixNano(start + 1_000_000L).status(SpanStatus.OK).build();
        return new Trace(TraceInfo.builder().traceId(id).experimentId(experimentId).requestTime(at)
                .executionDurationMs(1L).state(TraceState.OK).build(), List.of(root));
    }

    private static Assessment feedback(String traceId, String name, String scorer, int version, Object value,
            String rate) {
        Assessment.Builder b = Assessment.builder().name(name).traceId(traceId).source(AssessmentSource.code(scorer))
                .createTime(T0).lastUpdateTime(T0)
                .metadata(Assessment.METADATA_SCORER_NAME, scorer)
                .metadata(Assessment.METADATA_SCORER_VERSION, Integer.toString(version));
        if (rate != null) {
            b.metadata(RollupRules.METADATA_SAMPLE_RATE, rate);
        }
        if (value instanceof AssessmentError e) {
            b.value(dev.vigil.spi.model.FeedbackValue.error(e));
        } else {
            b.feedback(value);
        }
        return b.build();
    }

    private static Object randomValue(Random r) {
        return switch (r.nextInt(9)) {
            case 0, 1 -> r.nextBoolean();
            case 2 -> r.nextBoolean() ? "yes" : " No ";
            case 3, 4 -> Math.round(r.nextDouble() * 1000) / 100.0;
            case 5 -> (long) r.nextInt(5);
            case 6 -> List.of("short", "long", "medium").get(r.nextInt(3));
            case 7 -> AssessmentError.of("TIMEOUT", "judge timed out");
            default -> Map.of("k", r.nextInt(3));
        };
    }

    private static String randomRate(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> null;
            case 1 -> "0.5";
            case 2 -> "0.25";
            case 3 -> "bogus";
            default -> "1.0";
        };
    }

    /** Rows equal: counts exactly, sums up to rounding. */
    private static void assertSameRows(List<Rollup> actual, List<Rollup> expected) {
        assertThat(actual).extracting(Rollup::key).containsExactlyElementsOf(
                expected.stream().map(Rollup::key).toList());
        for (int i = 0; i < expected.size(); i++) {
            Rollup a = actual.get(i);
            Rollup e = expected.get(i);
            assertThat(List.of(a.count(), a.errors(), a.numericCount(), a.judged(), a.passed()))
                    .as("counts of %s", e.key())
                    .containsExactly(e.count(), e.errors(), e.numericCount(), e.judged(), e.passed());
            assertThat(a.sum()).as("sum of %s", e.key()).isCloseTo(e.sum(), within(1e-9 * (1 + Math.abs(e.sum()))));
            assertThat(a.sumOfSquares()).as("sum of squares of %s", e.key())
                    .isCloseTo(e.sumOfSquares(), within(1e-9 * (1 + Math.abs(e.sumOfSquares()))));
            assertThat(a.categories()).as("categories of %s", e.key()).isEqualTo(e.categories());
        }
    }

    private void assertMatchesValues(String experimentId, String scorer) {
        assertSameRows(store.rollups().hourly(experimentId, scorer, T0, END),
                RollupRules.of(experimentId, store.assessments().valuesByScorer(experimentId, scorer, T0, END)));
    }

    @Test
    void hourlyRows_equalTheRowsOfTheValues_forRandomFeedbackAndReplacements() {
        String other = store.experiments().getOrCreate("rollups-other").experimentId();
        for (long seed = 1; seed <= 3; seed++) {
            Random r = new Random(seed);
            List<Trace> traces = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                traces.add(trace(i % 5 == 0 ? other : exp, "tr-" + seed + "-" + i,
                        T0.plusSeconds(r.nextInt(12 * 3600)).plusMillis(r.nextInt(1000))));
            }
            store.traces().put(traces);
            for (int round = 0; round < 3; round++) { // later rounds replace earlier feedback of the same key
                List<Assessment> batch = new ArrayList<>();
                for (Trace t : traces) {
                    if (r.nextInt(3) > 0) {
                        String scorer = r.nextBoolean() ? "quality" : "safety";
                        batch.add(feedback(t.traceId(), r.nextBoolean() ? "quality" : "tone", scorer,
                                1 + r.nextInt(2), randomValue(r), randomRate(r)));
                    }
                }
                store.assessments().upsertScorerFeedback(batch);
            }
            for (String e : List.of(exp, other)) {
                assertMatchesValues(e, "quality");
                assertMatchesValues(e, "safety");
            }
        }
        assertThat(store.rollups().hourly(exp, "quality", T0, END)).isNotEmpty();
    }

    @Test
    void replacedFeedback_isCountedOnce_withItsNewValue() {
        store.traces().put(List.of(trace(exp, "tr-1", T0.plusSeconds(10))));
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "quality", "quality", 1, false, "0.5")));
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "quality", "quality", 1, true, "0.5")));
        // and twice in one batch
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "quality", "quality", 1, 0.25, "0.5"),
                feedback("tr-1", "quality", "quality", 1, "yes", "0.5")));

        List<Rollup> rows = store.rollups().hourly(exp, "quality", T0, T0.plus(Duration.ofHours(1)));
        assertThat(rows).hasSize(1);
        Rollup row = rows.get(0);
        assertThat(row.key()).isEqualTo(new Rollup.Key(exp, "quality", 1, T0, "quality", 0.5));
        assertThat(List.of(row.count(), row.numericCount(), row.judged(), row.passed()))
                .containsExactly(1L, 1L, 1L, 1L);
        assertThat(row.sum()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void feedbackKeptAsHistory_isNeitherAValueNorCounted() {
        store.traces().put(List.of(trace(exp, "tr-1", T0.plusSeconds(10)), trace(exp, "tr-2", T0.plusSeconds(20))));
        Assessment first = feedback("tr-1", "quality", "quality", 1, true, "1.0");
        store.assessments().upsertScorerFeedback(List.of(first, feedback("tr-2", "quality", "quality", 1, false,
                "1.0")));
        // a re-score re-writes the earlier result as history (valid=false): it no longer counts anywhere
        store.assessments().upsertScorerFeedback(List.of(first.toBuilder().valid(false).build()));

        assertThat(store.assessments().valuesByScorer(exp, "quality", T0, END))
                .extracting(v -> v.assessment().traceId()).containsExactly("tr-2");
        List<Rollup> rows = store.rollups().hourly(exp, "quality", T0, END);
        assertThat(rows).hasSize(1);
        assertThat(List.of(rows.get(0).count(), rows.get(0).passed())).containsExactly(1L, 0L);
        assertMatchesValues(exp, "quality");
        assertThat(store.assessments().listByTrace("tr-1")).extracting(Assessment::valid).containsExactly(false);
    }

    @Test
    void feedbackReplacedByAnotherRate_leavesNoEmptyRowBehind() {
        store.traces().put(List.of(trace(exp, "tr-1", T0.plusSeconds(10))));
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "tone", "quality", 1, "curt", "0.5")));
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "tone", "quality", 1, "warm", "1.0")));

        List<Rollup> rows = store.rollups().hourly(exp, "quality", T0, END);
        assertThat(rows).extracting(x -> x.key().sampleRate()).containsExactly(1.0);
        assertThat(rows.get(0).categories()).isEqualTo(Map.of("warm", 1L));
    }

    @Test
    void appendedFeedback_countsOnlyWhenItNamesAScorer() {
        store.traces().put(List.of(trace(exp, "tr-1", T0.plusSeconds(10))));
        store.assessments().append(Assessment.builder().name("quality").traceId("tr-1")
                .source(AssessmentSource.human("ann")).createTime(T0).lastUpdateTime(T0).feedback(false).build());
        store.assessments().append(Assessment.builder().name("quality").traceId("tr-1")
                .source(AssessmentSource.human("ann")).createTime(T0).lastUpdateTime(T0).expectation("42")
                .metadata(Assessment.METADATA_SCORER_NAME, "quality").build());
        store.assessments().append(feedback("tr-1", "quality", "quality", 2, true, null));

        List<Rollup> rows = store.rollups().hourly(exp, "quality", T0, END);
        assertThat(rows).extracting(Rollup::key)
                .containsExactly(new Rollup.Key(exp, "quality", 2, T0, "quality", Rollup.NO_RATE));
        assertThat(rows.get(0).passed()).isEqualTo(1);
        assertMatchesValues(exp, "quality");
    }

    @Test
    void hourly_readsWholeHoursFromInclusiveToExclusive() {
        store.traces().put(List.of(trace(exp, "tr-a", T0.plusSeconds(3599)), trace(exp, "tr-b", T0.plusSeconds(3600)),
                trace(exp, "tr-c", T0.plusSeconds(7200))));
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-a", "q", "s", 1, 1, null),
                feedback("tr-b", "q", "s", 1, 2, null), feedback("tr-c", "q", "s", 1, 3, null)));

        assertThat(store.rollups().hourly(exp, "s", T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2))))
                .extracting(Rollup::sum).containsExactly(2.0);
        assertThat(store.rollups().hourly(exp, "s", T0, T0)).isEmpty();
        assertThat(store.rollups().hourly(exp, "other", T0, END)).isEmpty();
    }

    @Test
    void hourly_refusesPartialHoursAndReversedRanges() {
        assertThatThrownBy(() -> store.rollups().hourly(exp, "s", T0.plusSeconds(1), END))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("whole UTC hours");
        assertThatThrownBy(() -> store.rollups().hourly(exp, "s", END, T0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("before it starts");
        assertThatThrownBy(() -> store.rollups().hourly(null, "s", T0, END))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aTraceStoredAgainInAnotherHour_takesItsFeedbackAlong() {
        store.traces().put(List.of(trace(exp, "tr-1", T0.plusSeconds(10))));
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "q", "s", 1, true, "1.0")));
        store.traces().put(List.of(trace(exp, "tr-1", T0.plus(Duration.ofHours(3)).plusSeconds(5))));

        assertThat(store.rollups().hourly(exp, "s", T0, END)).extracting(x -> x.key().hour())
                .containsExactly(T0.plus(Duration.ofHours(3)));
        assertMatchesValues(exp, "s");
    }

    @Test
    void rebuild_recomputesTheSameRows_perExperimentOrAll() {
        String other = store.experiments().getOrCreate("rollups-other").experimentId();
        Random r = new Random(7);
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            traces.add(trace(i % 2 == 0 ? exp : other, "tr-" + i, T0.plusSeconds(r.nextInt(12 * 3600))));
        }
        store.traces().put(traces);
        List<Assessment> batch = new ArrayList<>();
        traces.forEach(t -> batch.add(feedback(t.traceId(), "q", "s", 1, randomValue(r), randomRate(r))));
        store.assessments().upsertScorerFeedback(batch);
        List<Rollup> before = store.rollups().hourly(exp, "s", T0, END);
        List<Rollup> beforeOther = store.rollups().hourly(other, "s", T0, END);

        long rows = store.rollups().rebuild(exp);
        assertThat(rows).isEqualTo(before.size());
        assertSameRows(store.rollups().hourly(exp, "s", T0, END), before);
        assertSameRows(store.rollups().hourly(other, "s", T0, END), beforeOther);

        assertThat(store.rollups().rebuild(null)).isEqualTo(before.size() + beforeOther.size());
        assertThat(store.rollups().ready()).isTrue();
        assertSameRows(store.rollups().hourly(other, "s", T0, END), beforeOther);
        assertThatThrownBy(() -> store.rollups().rebuild("no-such-experiment"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aNewStore_isReady() {
        assertThat(store.rollups().ready()).isTrue();
    }

    @Test
    void concurrentWriters_inTheSameHour_loseNoCount() throws Exception {
        int threads = 4;
        int perThread = 25;
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            traces.add(trace(exp, "tr-" + i, T0.plusSeconds(i)));
        }
        store.traces().put(traces);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                done.add(pool.submit(() -> {
                    for (int i = first; i < first + perThread; i++) {
                        store.assessments().upsertScorerFeedback(
                                List.of(feedback("tr-" + i, "q", "s", 1, i % 2 == 0, "0.5")));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(5, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Rollup> rows = store.rollups().hourly(exp, "s", T0, END);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).count()).isEqualTo(threads * perThread);
        assertThat(rows.get(0).passed()).isEqualTo(threads * perThread / 2);
    }

    @Test
    void rows_surviveAReopen() {
        store.traces().put(List.of(trace(exp, "tr-1", T0.plusSeconds(10))));
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "q", "s", 1, 0.75, "0.5")));
        List<Rollup> before = store.rollups().hourly(exp, "s", T0, END);
        store.close();
        store = reopenStore(clock);
        if (store == null) {
            return; // not a durable store
        }
        assertSameRows(store.rollups().hourly(exp, "s", T0, END), before);
        assertThat(store.rollups().ready()).isTrue();
    }
}
