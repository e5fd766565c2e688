package dev.vigil.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.store.ScoredValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregatorTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static ScoredValue value(Instant at, String name, Object v, double rate) {
        Assessment a = Assessment.builder().name(name).traceId("tr-" + at.toEpochMilli() + v).source(
                AssessmentSource.code("s")).createTime(at).value(FeedbackValue.of(v))
                .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "s", Assessment.METADATA_SCORER_VERSION, "1",
                        FeedbackAssessment.METADATA_SAMPLE_RATE, Double.toString(rate)))
                .build();
        return new ScoredValue(at, a);
    }

    private static ScoredValue error(Instant at, String name) {
        Assessment a = Assessment.builder().name(name).traceId("tr-err-" + at.toEpochMilli()).source(
                AssessmentSource.code("s")).createTime(at).error(AssessmentError.of("TIMEOUT", "slow"))
                .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "s", Assessment.METADATA_SCORER_VERSION, "1"))
                .build();
        return new ScoredValue(at, a);
    }

    @Test
    void numericValues_perHour_haveMlflowStatsAndAMeanInterval() {
        List<ScoredValue> values = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            values.add(value(T0.plusSeconds(i * 60), "length", i, 0.5));
        }
        values.add(value(T0.plusSeconds(3_700), "length", 100, 0.5)); // next hour
        values.add(error(T0.plusSeconds(120), "length"));
        List<BucketStats> stats = Aggregator.aggregate(values, Bucket.HOUR, 1.0);
        assertThat(stats).hasSize(2);
        BucketStats first = stats.get(0);
        assertThat(first.bucketStart()).isEqualTo(T0);
        assertThat(first.count()).isEqualTo(11);
        assertThat(first.errors()).isEqualTo(1);
        var num = first.numeric().orElseThrow();
        assertThat(num.n()).isEqualTo(10);
        assertThat(num.mean()).isEqualTo(5.5);
        assertThat(num.min()).isEqualTo(1);
        assertThat(num.max()).isEqualTo(10);
        assertThat(num.median()).isEqualTo(5.5);
        assertThat(num.variance()).isCloseTo(8.25, within(1e-9));
        assertThat(num.p90()).isCloseTo(9.1, within(1e-9));
        Interval ci = num.meanCi().orElseThrow();
        assertThat(ci.contains(5.5)).isTrue();
        assertThat(ci.low()).isGreaterThan(3.0);
        assertThat(first.sampleRate()).isEqualTo(0.5);
        assertThat(first.passRate()).isEmpty();
        assertThat(stats.get(1).numeric().orElseThrow().mean()).isEqualTo(100);
    }

    @Test
    void yesNoAndBooleans_givePassRates_otherStringsGiveCategories() {
        List<ScoredValue> values = new ArrayList<>();
        values.add(value(T0, "safe", "yes", 1.0));
        values.add(value(T0.plusSeconds(1), "safe", "no", 1.0));
        values.add(value(T0.plusSeconds(2), "safe", true, 1.0));
        values.add(value(T0.plusSeconds(3), "safe", "Yes", 1.0));
        values.add(value(T0.plusSeconds(4), "tone", "friendly", 1.0));
        values.add(value(T0.plusSeconds(5), "tone", "curt", 1.0));
        values.add(value(T0.plusSeconds(6), "tone", "friendly", 1.0));
        List<BucketStats> stats = Aggregator.aggregate(values, Bucket.MINUTE, 1.0);
        BucketStats safe = stats.stream().filter(s -> s.feedbackName().equals("safe")).findFirst().orElseThrow();
        var pass = safe.passRate().orElseThrow();
        assertThat(pass.passed()).isEqualTo(3);
        assertThat(pass.n()).isEqualTo(4);
        assertThat(pass.rate()).isEqualTo(0.75);
        assertThat(pass.ci()).isEqualTo(new Interval(0.75, 0.75)); // rate 1: the whole population
        BucketStats tone = stats.stream().filter(s -> s.feedbackName().equals("tone")).findFirst().orElseThrow();
        assertThat(tone.categories()).containsExactlyInAnyOrderEntriesOf(Map.of("friendly", 2L, "curt", 1L));
        assertThat(tone.numeric()).isEmpty();
    }

    @Test
    void buckets_truncateToUtcMinuteHourDay() {
        Instant t = Instant.parse("2026-03-01T10:17:42.123Z");
        assertThat(Bucket.MINUTE.start(t)).isEqualTo(Instant.parse("2026-03-01T10:17:00Z"));
        assertThat(Bucket.HOUR.start(t)).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(Bucket.DAY.start(t)).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(Bucket.DAY.next(Bucket.DAY.start(t))).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
    }
}
