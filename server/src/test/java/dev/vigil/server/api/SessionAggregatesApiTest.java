package dev.vigil.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.core.session.SessionScorerEntry;
import dev.vigil.core.session.SessionScoring;
import dev.vigil.server.VigilServer;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /aggregates} and {@code /overview} over a loopback server: a session scorer's feedback is aggregated per
 * session (its latest valid version, at its last scored turn) and says {@code "level":"session"}; a trace scorer's
 * says {@code "trace"}. The registry tells a registered scorer's level; a scorer no longer registered is told apart
 * by its stored assessments.
 */
class SessionAggregatesApiTest {

    private Vigil vigil;
    private VigilServer server;
    private Http http;
    private Instant t0;

    private final ResolvedSessionScorer resolved = new ResolvedSessionScorer();

    @BeforeEach
    void seed() {
        vigil = Vigil.builder().store("memory:").build();
        ExperimentHandle exp = vigil.experiment("chat");
        // both registered (not started) so the overview lists them, each at its level
        exp.scorers().register(resolved);
        exp.scorers().register(Scorers.code("judge", in -> Feedback.of(true)), "judge");
        // yesterday 10:00 UTC: the turns span 70 minutes and the day-bucket tests expect one day, whatever the
        // wall clock says (an anchor of 'five hours ago' crossed midnight when the suite ran between 00:00 and 05:10)
        t0 = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofHours(14));
        var store = vigil.store();
        store.traces().put(Conversations.conversation(exp.id(), "s1", t0, Duration.ofMinutes(1), "a", "b", "c", "d"));
        store.traces().put(Conversations.conversation(exp.id(), "s2", t0.plusSeconds(120), Duration.ofMinutes(1),
                "a", "b"));
        store.traces().put(Conversations.conversation(exp.id(), "s3", t0.plusSeconds(180), Duration.ofMinutes(1),
                "a", "b", "c", "d"));
        MutableClock clock = new MutableClock(t0.plus(Duration.ofMinutes(10)));
        SessionScoring scoring = new SessionScoring(store, exp.id(),
                List.of(new SessionScorerEntry(resolved, 1, 1.0)), SessionOptions.defaults(), clock);
        scoring.runOnce();
        store.traces().put(List.of(Conversations.turn(exp.id(), "s1", "s1-t3", t0.plus(Duration.ofMinutes(70)),
                "e", "f")));
        clock.set(t0.plus(Duration.ofMinutes(80)));
        scoring.runOnce();
        // a trace scorer's feedback on every turn
        for (String id : List.of("s1-t1", "s1-t2", "s1-t3", "s2-t1", "s3-t1", "s3-t2")) {
            store.assessments().upsertScorerFeedback(List.of(Assessment.builder().name("judge").traceId(id)
                    .source(AssessmentSource.code("judge")).createTime(t0).feedback(true)
                    .metadata(Assessment.METADATA_SCORER_NAME, "judge")
                    .metadata(Assessment.METADATA_SCORER_VERSION, "1").build()));
        }
        server = VigilServer.builder(vigil).port(0).dashboard(true).start();
        http = new Http(server.url() + "/api/v1");
    }

    @AfterEach
    void close() {
        server.close();
        vigil.close();
    }

    private Map<String, Object> aggregates(String scorer, String bucket) throws Exception {
        return aggregates(scorer, bucket, t0, t0.plus(Duration.ofHours(3)), "");
    }

    private Map<String, Object> aggregates(String scorer, String bucket, Instant from, Instant to, String extra)
            throws Exception {
        return http.get("/experiments/chat/aggregates?scorer=" + scorer + "&bucket=" + bucket + "&from=" + from
                + "&to=" + to + extra).json();
    }

    private static long sessions(Map<String, Object> agg) {
        return RestApiTest.list(agg.get("buckets")).stream().mapToLong(p -> ((Number) p.get("count")).longValue())
                .sum();
    }

    @Test
    void sessionScorer_isAggregatedPerSession_atEveryBucketWidth() throws Exception {
        for (String bucket : List.of("hour", "minute", "day")) {
            Map<String, Object> agg = aggregates("resolved", bucket);
            assertThat(agg).as(bucket).containsEntry("level", "session").containsEntry("computedFrom", "values");
            List<Map<String, Object>> points = RestApiTest.list(agg.get("buckets"));
            // s1 (resumed, re-scored: only its latest version counts), s2 and s3: three sessions, not four values
            assertThat(points.stream().mapToLong(p -> ((Number) p.get("count")).longValue()).sum()).as(bucket)
                    .isEqualTo(3);
            assertThat(points).allSatisfy(p -> assertThat(p).containsEntry("kind", "passRate"));
        }
        List<Map<String, Object>> hours = RestApiTest.list(aggregates("resolved", "hour").get("buckets"));
        assertThat(hours).extracting(p -> p.get("bucketStart"))
                .containsExactly(t0.toString(), t0.plus(Duration.ofHours(1)).toString());
        assertThat(hours).extracting(p -> ((Number) p.get("count")).longValue()).containsExactly(2L, 1L);
        assertThat(((Number) hours.get(0).get("value")).doubleValue()).isEqualTo(0.5);
        assertThat(((Number) hours.get(1).get("value")).doubleValue()).isEqualTo(1.0);
    }

    @Test
    void traceScorer_saysTraceLevel_andCountsTraces() throws Exception {
        Map<String, Object> agg = aggregates("judge", "day");
        assertThat(agg).containsEntry("level", "trace");
        assertThat(RestApiTest.list(agg.get("buckets"))).singleElement()
                .satisfies(p -> assertThat(p).containsEntry("count", 6L));
    }

    @Test
    void overview_labelsEachScorersLevel_andCountsSessionsOnce() throws Exception {
        Map<String, Object> overview = http.get("/experiments/chat/overview?bucket=hour&from=" + t0 + "&to="
                + t0.plus(Duration.ofHours(3))).json();
        Map<String, Map<String, Object>> byName = new java.util.HashMap<>();
        for (Map<String, Object> s : RestApiTest.list(overview.get("scorers"))) {
            byName.put((String) s.get("name"), s);
        }
        assertThat(byName.get("resolved")).containsEntry("level", "session");
        assertThat(byName.get("judge")).containsEntry("level", "trace");
        Map<String, Object> metric = RestApiTest.list(byName.get("resolved").get("metrics")).getFirst();
        assertThat(metric).containsEntry("n", 3L);
        assertThat(((Number) metric.get("value")).doubleValue()).isEqualTo(2.0 / 3);
    }

    @Test
    void registeredSessionScorer_withNoFeedbackInTheRange_saysSessionLevel() throws Exception {
        Instant later = t0.plus(Duration.ofDays(2));
        for (String bucket : List.of("hour", "minute")) {
            Map<String, Object> agg = aggregates("resolved", bucket, later, later.plus(Duration.ofHours(1)), "");
            assertThat(agg).as(bucket).containsEntry("level", "session");
            assertThat(RestApiTest.list(agg.get("buckets"))).as(bucket).isEmpty();
        }
        assertThat(aggregates("resolved", "day", later, later.plus(Duration.ofHours(1)), "&version=1"))
                .containsEntry("level", "session");
    }

    @Test
    void deletedSessionScorer_isStillToldApartByItsStoredFeedback() throws Exception {
        vigil.experiment("chat").scorers().delete("resolved");
        // hour buckets probe the rollups' hours, minute buckets read the values: both find the session metadata
        for (String bucket : List.of("hour", "minute", "day")) {
            Map<String, Object> agg = aggregates("resolved", bucket);
            assertThat(agg).as(bucket).containsEntry("level", "session").containsEntry("computedFrom", "values");
            assertThat(sessions(agg)).as(bucket).isEqualTo(3);
        }
        Map<String, Object> v1 = aggregates("resolved", "hour", t0, t0.plus(Duration.ofHours(3)), "&version=1");
        assertThat(v1).containsEntry("level", "session");
        assertThat(sessions(v1)).isEqualTo(3);
        Map<String, Object> none = aggregates("resolved", "hour", t0.plus(Duration.ofDays(2)),
                t0.plus(Duration.ofDays(2).plusHours(1)), "");
        assertThat(none).containsEntry("level", "trace"); // unregistered, nothing stored in the range: no way to tell
    }

    @Test
    void aVersionThatIsNotRegistered_fallsBackToTheStoredFeedback() throws Exception {
        // version 2 of 'judge' is a session scorer in the registry; version 1's stored feedback is per trace
        vigil.experiment("chat").scorers().register(new ResolvedSessionScorer(), "judge");
        assertThat(aggregates("judge", "day", t0, t0.plus(Duration.ofHours(3)), "&version=2"))
                .containsEntry("level", "session");
        vigil.experiment("chat").scorers().delete("judge", 1);
        Map<String, Object> v1 = aggregates("judge", "day", t0, t0.plus(Duration.ofHours(3)), "&version=1");
        assertThat(v1).containsEntry("level", "trace");
        assertThat(RestApiTest.list(v1.get("buckets"))).singleElement()
                .satisfies(p -> assertThat(p).containsEntry("count", 6L));
    }
}
