package dev.vigil.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.aggregate.Aggregator;
import dev.vigil.core.aggregate.Bucket;
import dev.vigil.core.aggregate.BucketStats;
import dev.vigil.core.aggregate.ConfidenceIntervals;
import dev.vigil.core.aggregate.RollupAggregator;
import dev.vigil.core.aggregate.WeightedEstimates;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.support.RollupRules;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-session aggregates on the memory store (the H2 run is {@code JdbcSessionAggregatesTest}). */
class SessionAggregatesTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    /** Passes a session with at least two turns. */
    static final SessionScorer RESOLVED = new SessionScorer() {
        @Override public String name() { return "resolved"; }
        @Override public ScorerDefinition definition() { return new ScorerDefinition("java", Map.of()); }
        @Override public Object scoreSession(Session s) { return s.turns() >= 2; }
    };

    MutableClock clock;
    Store store;
    String exp;

    @BeforeEach
    void open() {
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        exp = store.experiments().getOrCreate("chat").experimentId();
    }

    @AfterEach
    void close() {
        store.close();
    }

    void score(double rate) {
        new SessionScoring(store, exp, List.of(new SessionScorerEntry(RESOLVED, 1, rate)), SessionOptions.defaults(),
                clock).runOnce();
    }

    @Test
    void oneValuePerSession_theLatestValid_bucketedByItsLastScoredTurn() {
        store.traces().put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "a", "b", "c", "d"));
        store.traces().put(Conversations.conversation(exp, "s2", T0.plusSeconds(120), Duration.ofMinutes(1),
                "a", "b"));
        store.traces().put(Conversations.conversation(exp, "s3", T0.plusSeconds(180), Duration.ofMinutes(1),
                "a", "b", "c", "d"));
        clock.set(T0.plus(Duration.ofMinutes(10)));
        score(1.0);
        // s1 resumes in the next hour and is scored again: its version 2 becomes invalid, version 3 counts
        store.traces().put(List.of(Conversations.turn(exp, "s1", "s1-t3", T0.plus(Duration.ofMinutes(70)), "e", "f")));
        clock.set(T0.plus(Duration.ofMinutes(80)));
        score(1.0);

        List<ScoredValue> values = store.assessments().valuesByScorer(exp, "resolved", T0, T0.plus(Duration.ofHours(2)));
        assertThat(values).hasSize(3); // s1 v3, s2 v1, s3 v2 (s1 v2 is history, valid=false: not a value)
        assertThat(SessionAggregates.sessionLevel(values)).isTrue();
        assertThat(SessionAggregates.latestPerSession(values))
                .extracting(v -> v.assessment().traceId()).containsExactly("s2-t1", "s3-t2", "s1-t3");

        List<BucketStats> stats = SessionAggregates.aggregate(values, Bucket.HOUR, 1.0);
        assertThat(stats).hasSize(2);
        BucketStats ten = stats.get(0);
        assertThat(ten.bucketStart()).isEqualTo(T0);
        assertThat(ten.count()).isEqualTo(2); // s2 and s3; s1's overridden version is not counted
        assertThat(ten.passRate().orElseThrow().passed()).isEqualTo(1);
        assertThat(ten.passRate().orElseThrow().rate()).isEqualTo(0.5);
        assertThat(ten.passRate().orElseThrow().ci()).isEqualTo(ConfidenceIntervals.wilson(1, 2, 1.0));
        BucketStats eleven = stats.get(1);
        assertThat(eleven.bucketStart()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(eleven.count()).isEqualTo(1);
        assertThat(eleven.passRate().orElseThrow().rate()).isEqualTo(1.0);
        // trace aggregates over the same values: the store gives no history rows, so the same two in the first hour
        assertThat(Aggregator.aggregate(values, Bucket.HOUR, 1.0).get(0).count()).isEqualTo(2);

        // the store-reading form, restricted to one hour: only sessions whose last scored turn is in it
        assertThat(SessionAggregates.aggregate(store, exp, "resolved", 0, T0.plus(Duration.ofHours(1)),
                T0.plus(Duration.ofHours(2)), Bucket.DAY, 1.0)).singleElement()
                .satisfies(b -> assertThat(b.count()).isEqualTo(1));
        assertThat(SessionAggregates.aggregate(store, exp, "resolved", 2, T0, T0.plus(Duration.ofHours(2)),
                Bucket.DAY, 1.0)).isEmpty();
    }

    @Test
    void sampledSessions_useTheScorersRateInTheirIntervals() {
        List<String> ids = IntStream.range(0, 40).mapToObj(i -> "conv-" + i).toList();
        for (int i = 0; i < ids.size(); i++) {
            String[] turns = i % 3 == 0 ? new String[] {"a", "b"} : new String[] {"a", "b", "c", "d"};
            store.traces().put(Conversations.conversation(exp, ids.get(i), T0.plusSeconds(i), Duration.ofSeconds(50),
                    turns));
        }
        clock.set(T0.plus(Duration.ofMinutes(20)));
        score(0.5);
        List<String> kept = ids.stream().filter(id -> Sampler.defaultSampler().keep(id, "resolved", 0.5)).toList();
        long passing = kept.stream().filter(id -> Integer.parseInt(id.substring(5)) % 3 != 0).count();

        List<BucketStats> stats = SessionAggregates.aggregate(store, exp, "resolved", 0, T0, T0.plus(Duration.ofHours(1)),
                Bucket.HOUR, 1.0);
        BucketStats b = stats.get(0);
        assertThat(b.count()).isEqualTo(kept.size());
        assertThat(b.sampleRate()).isEqualTo(0.5); // recorded on each assessment, not the default passed in
        assertThat(b.passRate().orElseThrow().passed()).isEqualTo(passing);
        assertThat(b.passRate().orElseThrow().ci()).isEqualTo(ConfidenceIntervals.wilson(passing, kept.size(), 0.5));
        assertThat(b.passRate().orElseThrow().ci().width())
                .isGreaterThan(ConfidenceIntervals.wilson(passing, kept.size(), 1.0).width());
    }

    @Test
    void mixedRates_acrossSessions_useWeightedEstimates() {
        List<ScoredValue> values = List.of(
                value("a", "a-t2", 2, 1, true, 1.0, true),
                value("b", "b-t1", 1, 1, false, 0.25, true),
                value("c", "c-t3", 3, 1, true, 0.25, true));
        BucketStats b = SessionAggregates.aggregate(values, Bucket.DAY, 1.0).get(0);
        WeightedEstimates.Estimate e = WeightedEstimates.hajekRate(new boolean[] {true, false, true},
                new double[] {1.0, 0.25, 0.25});
        assertThat(b.passRate().orElseThrow().rate()).isEqualTo(e.value());
        assertThat(b.passRate().orElseThrow().ci()).isEqualTo(e.ci());
    }

    @Test
    void latest_prefersTheHighestScorerVersion_thenSessionVersion_andSkipsInvalidAndTraceFeedback() {
        ScoredValue v1s3 = value("s", "s-t3", 3, 1, true, 1.0, true);
        ScoredValue v2s2 = value("s", "s-t2", 2, 2, false, 1.0, true);
        ScoredValue v2s1 = value("s", "s-t1", 1, 2, true, 1.0, true);
        ScoredValue invalid = value("s", "s-t4", 4, 2, true, 1.0, false);
        ScoredValue traceLevel = new ScoredValue(T0, Assessment.builder().name("resolved").traceId("x")
                .source(AssessmentSource.code("resolved")).feedback(true).createTime(T0)
                .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "resolved", Assessment.METADATA_SCORER_VERSION, "2"))
                .build());
        assertThat(SessionAggregates.latestPerSession(List.of(v1s3, v2s2, v2s1, invalid, traceLevel)))
                .containsExactly(v2s2);
        assertThat(SessionAggregates.sessionLevel(List.of(traceLevel))).isFalse();
        assertThat(SessionAggregates.isSessionAssessment(v1s3.assessment())).isTrue();
    }

    @Test
    void level_isReadFromStoredData_throughTheRollupsProbe() {
        store.traces().put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "a", "b"));
        clock.set(T0.plus(Duration.ofMinutes(10)));
        score(1.0);
        Instant to = T0.plus(Duration.ofHours(3));
        List<dev.vigil.spi.store.Rollup> rows = RollupAggregator.rows(store, exp, "resolved", 0, T0, to);
        assertThat(rows).isNotEmpty();
        assertThat(SessionAggregates.sessionLevel(store, exp, "resolved", rows, T0, to)).isTrue();
        assertThat(SessionAggregates.sessionLevel(store, exp, "resolved", List.of(), T0, to)).isFalse();

        // a trace scorer's feedback on the same traces is not session-level
        store.assessments().upsertScorerFeedback(List.of(Assessment.builder().name("len").traceId("s1-t1")
                .source(AssessmentSource.code("len")).feedback(3).createTime(T0)
                .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "len", Assessment.METADATA_SCORER_VERSION, "1",
                        Session.METADATA_KEY, "s1"))
                .build()));
        List<dev.vigil.spi.store.Rollup> lenRows = RollupAggregator.rows(store, exp, "len", 0, T0, to);
        assertThat(lenRows).isNotEmpty();
        assertThat(SessionAggregates.sessionLevel(store, exp, "len", lenRows, T0, to)).isFalse();
    }

    static ScoredValue value(String session, String traceId, int sessionVersion, int scorerVersion, boolean pass,
            double rate, boolean valid) {
        return new ScoredValue(T0.plusSeconds(sessionVersion), Assessment.builder().name("resolved").traceId(traceId)
                .source(AssessmentSource.code("resolved")).feedback(pass).valid(valid).createTime(T0)
                .metadata(Map.of(Session.METADATA_KEY, session,
                        SessionAssessments.METADATA_SESSION_VERSION, Integer.toString(sessionVersion),
                        SessionAssessments.METADATA_FIRST_TRACE, session + "-t1",
                        Assessment.METADATA_SCORER_NAME, "resolved",
                        Assessment.METADATA_SCORER_VERSION, Integer.toString(scorerVersion),
                        RollupRules.METADATA_SAMPLE_RATE, Double.toString(rate)))
                .build());
    }
}
