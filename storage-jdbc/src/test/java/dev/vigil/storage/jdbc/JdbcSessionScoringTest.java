package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.session.SessionAssessments;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.core.session.SessionScorerEntry;
import dev.vigil.core.session.SessionScoring;
import dev.vigil.spi.model.Assessment;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Session scoring on H2: scored once idle, not again after the store is reopened, re-scored when resumed. */
class JdbcSessionScoringTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    final AtomicInteger calls = new AtomicInteger();
    final SessionScorer turns = new SessionScorer() {
        @Override public String name() { return "turns"; }
        @Override public ScorerDefinition definition() { return new ScorerDefinition("java", Map.of()); }
        @Override public Object scoreSession(Session s) {
            calls.incrementAndGet();
            return s.turns();
        }
    };

    SessionScoring scoring(Store store, String exp, MutableClock clock) {
        return new SessionScoring(store, exp, List.of(new SessionScorerEntry(turns, 2, 1.0)),
                SessionOptions.defaults(), clock);
    }

    @Test
    void sessionOnH2_isScoredOnceAcrossReopen_andRescoredWhenResumed() {
        String url = TestDatabases.newUrl(Dialect.H2);
        MutableClock clock = new MutableClock(T0);
        String exp;
        try (Store store = Stores.open(url, StoreOptions.withClock(clock))) {
            exp = store.experiments().getOrCreate("chat").experimentId();
            store.traces().put(Conversations.conversation(exp, "conv-1", T0, Duration.ofMinutes(1),
                    "I want to cancel my order", "Sure, which order?", "Order 42", "Order 42 is cancelled."));
            clock.set(T0.plus(Duration.ofMinutes(10)));
            assertThat(scoring(store, exp, clock).runOnce().scored()).isEqualTo(1);
        }
        try (Store store = Stores.open(url, StoreOptions.withClock(clock))) {
            assertThat(scoring(store, exp, clock).runOnce().upToDate()).isEqualTo(1);
            assertThat(calls).hasValue(1);

            store.traces().put(List.of(Conversations.turn(exp, "conv-1", "conv-1-t3",
                    T0.plus(Duration.ofMinutes(30)), "And my refund?", "Refunded to your card.")));
            clock.set(T0.plus(Duration.ofMinutes(40)));
            assertThat(scoring(store, exp, clock).runOnce().scored()).isEqualTo(1);

            SessionScoring s = scoring(store, exp, clock);
            List<Assessment> history = s.history(s.session("conv-1").orElseThrow(),
                    new SessionScorerEntry(turns, 2, 1.0));
            assertThat(history).extracting(SessionAssessments::sessionVersion).containsExactly(2, 3);
            assertThat(history).extracting(Assessment::valid).containsExactly(false, true);
            assertThat(history.get(1).overrides()).isEqualTo(history.get(0).assessmentId());
            assertThat(history).extracting(a -> a.feedback().value()).containsExactly(2L, 3L);
        }
    }
}
