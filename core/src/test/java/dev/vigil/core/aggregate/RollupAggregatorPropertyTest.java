package dev.vigil.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.support.RollupRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Property: over random feedback (booleans, yes/no, numbers, categories, errors, other JSON; recorded rates, mixed
 * rates, no rate; two versions; several feedback names), the statistics computed from rollups equal the full
 * scan's ({@link Aggregator}) — counts exactly, estimates and 95 % intervals up to rounding — per hour, per day and
 * over the whole range; and {@link RollupAggregator#rows} over a range that does not start or end on an hour equals
 * the scan of exactly that range.
 */
class RollupAggregatorPropertyTest {

    private static final Instant T0 = Instant.parse("2026-04-01T00:00:00Z");
    private static final String EXP = "e1";

    private static Assessment feedback(SplittableRandom r, String traceId, String scorer) {
        Object value = switch (r.nextInt(10)) {
            case 0, 1, 2 -> r.nextBoolean();
            case 3 -> r.nextBoolean() ? "yes" : "NO";
            case 4, 5 -> r.nextDouble() * 10 - 3;
            case 6 -> (long) r.nextInt(6);
            case 7 -> List.of("a", "b", "c").get(r.nextInt(3));
            case 8 -> null; // an error
            default -> List.of(1, 2);
        };
        Assessment.Builder b = Assessment.builder().name(r.nextInt(4) == 0 ? "tone" : "quality").traceId(traceId)
                .source(AssessmentSource.code(scorer)).createTime(T0).lastUpdateTime(T0)
                .metadata(Assessment.METADATA_SCORER_NAME, scorer)
                .metadata(Assessment.METADATA_SCORER_VERSION, Integer.toString(1 + r.nextInt(2)));
        String rate = switch (r.nextInt(6)) {
            case 0 -> null;
            case 1 -> "0.3";
            case 2 -> "0.05";
            default -> "0.5";
        };
        if (rate != null) {
            b.metadata(FeedbackAssessment.METADATA_SAMPLE_RATE, rate);
        }
        if (value == null) {
            b.value(FeedbackValue.error(AssessmentError.of("TIMEOUT", "slow judge")));
        } else {
            b.feedback(value);
        }
        return b.build();
    }

    private static List<ScoredValue> values(long seed, int n, boolean oneRate) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ScoredValue> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Assessment a = feedback(r, "tr-" + i, "judge");
            if (oneRate) {
                a = a.toBuilder().metadata(FeedbackAssessment.METADATA_SAMPLE_RATE, "0.3").build();
            }
            out.add(new ScoredValue(T0.plusMillis(r.nextLong(Duration.ofDays(3).toMillis())), a));
        }
        out.sort((a, b) -> a.traceTime().compareTo(b.traceTime()));
        return out;
    }

    static void assertSameStats(List<BucketStats> actual, List<BucketStats> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            BucketStats a = actual.get(i);
            BucketStats e = expected.get(i);
            String at = e.bucketStart() + "/" + e.feedbackName();
            assertThat(List.of(a.bucketStart(), a.scorerName(), a.feedbackName(), a.count(), a.errors()))
                    .as(at).containsExactly(e.bucketStart(), e.scorerName(), e.feedbackName(), e.count(), e.errors());
            assertThat(a.sampleRate()).as(at).isCloseTo(e.sampleRate(), within(1e-9));
            assertThat(a.categories()).as(at).isEqualTo(e.categories());
            assertThat(a.passRate().isPresent()).as(at).isEqualTo(e.passRate().isPresent());
            e.passRate().ifPresent(p -> {
                BucketStats.PassRate q = a.passRate().orElseThrow();
                assertThat(List.of(q.passed(), q.n())).as(at).containsExactly(p.passed(), p.n());
                assertThat(q.rate()).as(at).isCloseTo(p.rate(), within(1e-9));
                assertInterval(Optional.of(q.ci()), Optional.of(p.ci()), at);
            });
            assertThat(a.numeric().isPresent()).as(at).isEqualTo(e.numeric().isPresent());
            e.numeric().ifPresent(s -> {
                BucketStats.NumericSummary t = a.numeric().orElseThrow();
                assertThat(t.n()).as(at).isEqualTo(s.n());
                assertThat(t.mean()).as(at).isCloseTo(s.mean(), within(1e-9));
                assertThat(t.variance()).as(at)
                        .isCloseTo(s.variance(), within(1e-6 * Math.max(1, Math.abs(s.variance()))));
                assertInterval(t.meanCi(), s.meanCi(), at);
            });
        }
    }

    private static void assertInterval(Optional<Interval> a, Optional<Interval> e, String at) {
        assertThat(a.isPresent()).as(at + " interval present").isEqualTo(e.isPresent());
        e.ifPresent(x -> {
            assertThat(a.get().low()).as(at + " low").isCloseTo(x.low(), within(1e-6));
            assertThat(a.get().high()).as(at + " high").isCloseTo(x.high(), within(1e-6));
        });
    }

    @Property(tries = 60)
    void rollupStats_equalTheFullScan(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int n,
            @ForAll boolean oneRate) {
        List<ScoredValue> values = values(seed, n, oneRate);
        var rows = RollupRules.of(EXP, values);
        for (double dflt : new double[] {1.0, 0.3}) {
            assertSameStats(RollupAggregator.aggregate(rows, Bucket.HOUR, dflt),
                    Aggregator.aggregate(values, Bucket.HOUR, dflt));
            assertSameStats(RollupAggregator.aggregate(rows, Bucket.DAY, dflt),
                    Aggregator.aggregate(values, Bucket.DAY, dflt));
            List<ScoredValue> whole = values.stream().map(v -> new ScoredValue(Instant.EPOCH, v.assessment()))
                    .toList();
            assertSameStats(RollupAggregator.whole(rows, dflt), Aggregator.aggregate(whole, Bucket.DAY, dflt));
        }
    }

    @Test
    void rowsOfARangeOffTheHours_equalTheScanOfExactlyThatRange() {
        try (Store store = Stores.open("memory:")) {
            String exp = store.experiments().getOrCreate("p").experimentId();
            SplittableRandom r = new SplittableRandom(42);
            List<Trace> traces = new ArrayList<>();
            List<Assessment> feedback = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String id = "tr-" + i;
                traces.add(new Trace(TraceInfo.builder().traceId(id).experimentId(exp).state(TraceState.OK)
                        .requestTime(T0.plusMillis(r.nextLong(Duration.ofHours(30).toMillis()))).build(), List.of()));
                feedback.add(feedback(r, id, "judge"));
            }
            store.traces().put(traces);
            store.assessments().upsertScorerFeedback(feedback);
            Instant from = T0.plus(Duration.ofMinutes(97)).plusMillis(3);
            Instant to = T0.plus(Duration.ofHours(26)).plus(Duration.ofMinutes(11));
            List<ScoredValue> scan = store.assessments().valuesByScorer(exp, "judge", from, to);

            assertSameRows(RollupAggregator.rows(store, exp, "judge", 0, from, to), RollupRules.of(exp, scan));
            assertSameStats(RollupAggregator.aggregate(RollupAggregator.rows(store, exp, "judge", 0, from, to),
                    Bucket.HOUR, 0.5), Aggregator.aggregate(scan, Bucket.HOUR, 0.5));
            List<ScoredValue> v2 = scan.stream().filter(v -> v.assessment().scorerVersion() == 2).toList();
            assertSameStats(RollupAggregator.aggregate(RollupAggregator.rows(store, exp, "judge", 2, from, to),
                    Bucket.DAY, 0.5), Aggregator.aggregate(v2, Bucket.DAY, 0.5));
            // inside one hour: read from the values alone
            Instant in = T0.plus(Duration.ofMinutes(5));
            assertSameRows(RollupAggregator.rows(store, exp, "judge", 0, in, in.plus(Duration.ofMinutes(30))),
                    RollupRules.of(exp, store.assessments().valuesByScorer(exp, "judge", in,
                            in.plus(Duration.ofMinutes(30)))));
        }
    }

    /** Rows equal: keys and counts exactly, sums up to rounding (they are added in another order). */
    private static void assertSameRows(List<Rollup> actual, List<Rollup> expected) {
        assertThat(actual).extracting(Rollup::key).containsExactlyElementsOf(
                expected.stream().map(Rollup::key).toList());
        for (int i = 0; i < expected.size(); i++) {
            Rollup a = actual.get(i);
            Rollup e = expected.get(i);
            assertThat(List.of(a.count(), a.errors(), a.numericCount(), a.judged(), a.passed(), a.categories()))
                    .containsExactly(e.count(), e.errors(), e.numericCount(), e.judged(), e.passed(), e.categories());
            assertThat(a.sum()).isCloseTo(e.sum(), within(1e-9));
            assertThat(a.sumOfSquares()).isCloseTo(e.sumOfSquares(), within(1e-8));
        }
        assertThat(actual).isNotEmpty();
    }

    @Test
    void minuteBuckets_areRefused() {
        assertThatThrownBy(() -> RollupAggregator.aggregate(List.of(), Bucket.MINUTE, 1.0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("hour or day");
    }

    @Test
    void orderStatistics_areNotKept() {
        List<ScoredValue> values = List.of(new ScoredValue(T0, Assessment.builder().name("q").traceId("t")
                .source(AssessmentSource.code("s")).createTime(T0).lastUpdateTime(T0).feedback(3.0)
                .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "s", Assessment.METADATA_SCORER_VERSION, "1"))
                .build()));
        BucketStats.NumericSummary s = RollupAggregator.whole(RollupRules.of(EXP, values), 1.0).get(0).numeric()
                .orElseThrow();
        assertThat(s.mean()).isEqualTo(3.0);
        assertThat(List.of(s.min(), s.max(), s.median(), s.p90())).allMatch(d -> Double.isNaN(d));
    }
}
