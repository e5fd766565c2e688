package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.aggregate.Bucket;
import dev.vigil.core.aggregate.BucketStats;
import dev.vigil.core.aggregate.ConfidenceIntervals;
import dev.vigil.core.aggregate.RollupAggregator;
import dev.vigil.core.session.SessionAggregates;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.core.session.SessionScorerEntry;
import dev.vigil.core.session.SessionScoring;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-session aggregates on H2: one value per session (its latest valid version), found from stored data. */
class JdbcSessionAggregatesTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    final SessionScorer resolved = new SessionScorer() {
        @Override public String name() { return "resolved"; }
        @Override public ScorerDefinition definition() { return new ScorerDefinition("java", Map.of()); }
        @Override public Object scoreSession(Session s) { return s.turns() >= 2; }
    };

    void score(Store store, String exp, MutableClock clock) {
        new SessionScoring(store, exp, List.of(new SessionScorerEntry(resolved, 1, 1.0)), SessionOptions.defaults(),
                clock).runOnce();
    }

    @Test
    void sessionAggregatesOnH2_countEachSessionOnce_atItsLastScoredTurn() {
        MutableClock clock = new MutableClock(T0);
        try (Store store = Stores.open(TestDatabases.newUrl(Dialect.H2), StoreOptions.withClock(clock))) {
            String exp = store.experiments().getOrCreate("chat").experimentId();
            store.traces().put(Conversations.conversation(exp, "s1", T0, Duration.ofMinutes(1), "a", "b", "c", "d"));
            store.traces().put(Conversations.conversation(exp, "s2", T0.plusSeconds(120), Duration.ofMinutes(1),
                    "a", "b"));
            store.traces().put(Conversations.conversation(exp, "s3", T0.plusSeconds(180), Duration.ofMinutes(1),
                    "a", "b", "c", "d"));
            clock.set(T0.plus(Duration.ofMinutes(10)));
            score(store, exp, clock);
            store.traces().put(List.of(Conversations.turn(exp, "s1", "s1-t3", T0.plus(Duration.ofMinutes(70)),
                    "e", "f")));
            clock.set(T0.plus(Duration.ofMinutes(80)));
            score(store, exp, clock);

            Instant to = T0.plus(Duration.ofHours(3));
            List<BucketStats> stats = SessionAggregates.aggregate(store, exp, "resolved", 0, T0, to, Bucket.HOUR, 1.0);
            assertThat(stats).extracting(BucketStats::bucketStart)
                    .containsExactly(T0, T0.plus(Duration.ofHours(1)));
            assertThat(stats).extracting(BucketStats::count).containsExactly(2L, 1L);
            assertThat(stats.get(0).passRate().orElseThrow().ci()).isEqualTo(ConfidenceIntervals.wilson(1, 2, 1.0));
            assertThat(stats.get(1).passRate().orElseThrow().rate()).isEqualTo(1.0);

            assertThat(SessionAggregates.sessionLevel(store.assessments().valuesByScorer(exp, "resolved", T0, to)))
                    .isTrue();
            List<dev.vigil.spi.store.Rollup> rows = RollupAggregator.rows(store, exp, "resolved", 0, T0, to);
            assertThat(SessionAggregates.sessionLevel(store, exp, "resolved", rows, T0, to)).isTrue();
        }
    }
}
