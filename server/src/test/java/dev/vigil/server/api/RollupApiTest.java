package dev.vigil.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.aggregate.Aggregator;
import dev.vigil.core.aggregate.Bucket;
import dev.vigil.core.aggregate.BucketStats;
import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.server.VigilServer;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.store.ScoredValue;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's aggregates and overview read hour and day buckets from the store's rollups, and answer what the
 * full scan of the values answers (random feedback at mixed rates, two scorer versions, a range off the hours).
 */
class RollupApiTest {

    private Vigil vigil;
    private VigilServer server;
    private Http http;
    private ExperimentHandle exp;
    private Instant from;
    private Instant to;

    @BeforeEach
    void seed() {
        vigil = Vigil.builder().store("memory:").build();
        exp = vigil.experiment("rollups");
        exp.scorers().register(Scorers.code("judge", in -> Feedback.of(true)), "judge"); // registered, not started
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(50));
        SplittableRandom r = new SplittableRandom(3);
        List<Trace> traces = new ArrayList<>();
        List<Assessment> feedback = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String id = "tr-" + i;
            Instant at = start.plusMillis(r.nextLong(Duration.ofHours(49).toMillis()));
            traces.add(new Trace(TraceInfo.builder().traceId(id).experimentId(exp.id()).requestTime(at)
                    .state(TraceState.OK).build(), List.of()));
            Object value = r.nextInt(4) == 0 ? (Object) (r.nextDouble() * 5) : (Object) (r.nextInt(3) > 0);
            feedback.add(Assessment.builder().name(value instanceof Boolean ? "correct" : "score").traceId(id)
                    .source(AssessmentSource.code("judge")).createTime(at).lastUpdateTime(at).feedback(value)
                    .metadata(Assessment.METADATA_SCORER_NAME, "judge")
                    .metadata(Assessment.METADATA_SCORER_VERSION, Integer.toString(1 + r.nextInt(2)))
                    .metadata(FeedbackAssessment.METADATA_SAMPLE_RATE, r.nextBoolean() ? "0.5" : "0.2").build());
        }
        vigil.store().traces().put(traces);
        vigil.store().assessments().upsertScorerFeedback(feedback);
        from = start.plus(Duration.ofMinutes(17));
        to = start.plus(Duration.ofHours(47)).plus(Duration.ofMinutes(41));
        server = VigilServer.builder(vigil).port(0).dashboard(true).start();
        http = new Http(server.url() + "/api/v1");
    }

    @AfterEach
    void close() {
        server.close();
        vigil.close();
    }

    private List<BucketStats> scan(Bucket bucket, int version) {
        List<ScoredValue> values = vigil.store().assessments().valuesByScorer(exp.id(), "judge", from, to);
        if (version > 0) {
            values = values.stream().filter(v -> v.assessment().scorerVersion() == version).toList();
        }
        return Aggregator.aggregate(values, bucket, 1.0);
    }

    private static void assertSame(List<Map<String, Object>> points, List<BucketStats> expected) {
        assertThat(points).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> p = points.get(i);
            Map<String, Object> e = QualityApi.point(expected.get(i));
            for (String k : List.of("bucketStart", "feedbackName", "count", "errors", "n", "kind")) {
                assertThat(p.get(k)).as(k + " of " + e).isEqualTo(e.get(k));
            }
            for (String k : List.of("value", "low", "high")) {
                if (e.get(k) == null) {
                    assertThat(p.get(k)).as(k + " of " + e).isNull(); // no interval from one partial value
                } else {
                    assertThat(((Number) p.get(k)).doubleValue()).as(k + " of " + e)
                            .isCloseTo(((Number) e.get(k)).doubleValue(), within(1e-9));
                }
            }
        }
    }

    @Test
    void hourAndDayAggregates_comeFromRollups_andEqualTheFullScan() throws Exception {
        for (Bucket bucket : List.of(Bucket.HOUR, Bucket.DAY)) {
            for (int version : new int[] {0, 2}) {
                Map<String, Object> agg = http.get("/experiments/rollups/aggregates?scorer=judge&bucket="
                        + bucket.name().toLowerCase() + "&from=" + from + "&to=" + to
                        + (version > 0 ? "&version=" + version : "")).json();
                assertThat(agg).containsEntry("computedFrom", "rollups");
                assertSame(RestApiTest.list(agg.get("buckets")), scan(bucket, version));
            }
        }
        Map<String, Object> minutes = http.get("/experiments/rollups/aggregates?scorer=judge&bucket=minute&from="
                + from + "&to=" + to).json();
        assertThat(minutes).containsEntry("computedFrom", "values");
        assertSame(RestApiTest.list(minutes.get("buckets")), scan(Bucket.MINUTE, 0));
    }

    @Test
    void overview_comesFromRollups_andEqualsTheFullScan() throws Exception {
        Map<String, Object> overview = http.get("/experiments/rollups/overview?bucket=hour&from=" + from + "&to="
                + to).json();
        assertThat(overview).containsEntry("computedFrom", "rollups");
        List<Map<String, Object>> metrics = RestApiTest.list(RestApiTest.list(overview.get("scorers")).getFirst()
                .get("metrics"));
        List<ScoredValue> whole = vigil.store().assessments().valuesByScorer(exp.id(), "judge", from, to).stream()
                .map(v -> new ScoredValue(Instant.EPOCH, v.assessment())).toList();
        List<BucketStats> expected = Aggregator.aggregate(whole, Bucket.DAY, 1.0);
        assertThat(metrics).extracting(m -> m.get("feedbackName")).containsExactly("correct", "score");
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> e = QualityApi.point(expected.get(i));
            Map<String, Object> m = metrics.get(i);
            assertThat(m.get("n")).isEqualTo(e.get("n"));
            assertThat(((Number) m.get("value")).doubleValue()).isCloseTo(((Number) e.get("value")).doubleValue(),
                    within(1e-9));
            assertThat(((Number) m.get("low")).doubleValue()).isCloseTo(((Number) e.get("low")).doubleValue(),
                    within(1e-9));
            List<Map<String, Object>> spark = RestApiTest.list(m.get("sparkline"));
            assertSame(spark, scan(Bucket.HOUR, 0).stream()
                    .filter(b -> b.feedbackName().equals(e.get("feedbackName"))).toList());
        }
    }
}
