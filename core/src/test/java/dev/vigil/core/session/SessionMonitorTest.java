package dev.vigil.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.session.CountingSessionScorer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The session monitor's own checks on the memory store: the pass interval's bound and session backfill. The
 * two-engine scenarios (leases, takeover, failures) are in {@link MemorySessionMonitorConformanceTest}.
 */
class SessionMonitorTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);

    MutableClock clock;
    Store store;
    String exp;
    final List<SessionMonitor> monitors = new ArrayList<>();

    @BeforeEach
    void open() {
        CountingSessionScorer.reset();
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        exp = store.experiments().getOrCreate("chat").experimentId();
        ScorerRegistry.of(store, exp).register(Scorers.ofClass(CountingSessionScorer.NAME, CountingSessionScorer.class))
                .start(SamplingConfig.of(1.0));
    }

    @AfterEach
    void close() {
        monitors.forEach(SessionMonitor::close);
        store.close();
        CountingSessionScorer.reset();
    }

    /** A monitor as another engine would have it: its own registry (the scorer rebuilt from its class), runner, id. */
    SessionMonitor monitor(String owner, Duration timeout) {
        ScorerRunner runner = new ScorerRunner(RetryPolicy.DEFAULT, Map.of(), ProviderLimit.DEFAULT, d -> { },
                System::nanoTime, () -> 0.5);
        SessionMonitor m = new SessionMonitor(store, id -> ScorerRegistry.of(store, id), runner, timeout,
                SessionOptions.defaults(), Duration.ofSeconds(1), owner, TTL, clock);
        monitors.add(m);
        return m;
    }

    SessionMonitor monitor(String owner) {
        return monitor(owner, Duration.ofSeconds(30));
    }

    void chat(String id, Instant start) {
        store.traces().put(Conversations.conversation(exp, id, start, Duration.ofMinutes(1), "Hi", "Hello!",
                "Where is my order?", "On its way."));
    }

    List<Assessment> sessionAssessments(String sessionId) {
        List<Assessment> out = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            store.traces().get(sessionId + "-t" + i).ifPresent(t -> store.assessments().listByTrace(t.traceId())
                    .stream().filter(a -> sessionId.equals(a.metadata().get(Session.METADATA_KEY))).forEach(out::add));
        }
        return out;
    }

    @Test
    void passInterval_belowOneSecond_isRefused() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> SessionMonitor.checkInterval(
                Duration.ofMillis(10)))).hasMessageContaining("session pass interval must be 1 second or more");
    }

    @Test
    void backfill_scoresEverySessionInTheRangeOnce_idleOrNot() {
        chat("old", T0.minus(Duration.ofDays(3)));
        chat("in1", T0);
        chat("in2", T0.plus(Duration.ofMinutes(1)));
        clock.set(T0.plus(Duration.ofMinutes(3))); // in2 is not idle yet
        SessionMonitor a = monitor("engine-a");
        List<SessionScorerEntry> turns = List.of(new SessionScorerEntry(
                ScorerRegistry.of(store, exp).get("turns").sessionScorer(), 1, 1.0));
        SessionPass first = a.backfill(exp, turns, T0.minus(Duration.ofHours(1)), T0.plus(Duration.ofHours(1)));
        assertThat(first.sessions()).isEqualTo(2);
        assertThat(first.scored()).isEqualTo(2);
        SessionPass again = a.backfill(exp, turns, T0.minus(Duration.ofHours(1)), T0.plus(Duration.ofHours(1)));
        assertThat(again.upToDate()).isEqualTo(2);
        assertThat(CountingSessionScorer.seen()).containsExactlyInAnyOrder("in1@2", "in2@2");
        assertThat(sessionAssessments("old")).isEmpty();

        // the live path sees the backfilled versions as done
        clock.set(T0.plus(Duration.ofMinutes(30)));
        assertThat(a.runOnce().get(exp).upToDate()).isEqualTo(2);
        assertThat(CountingSessionScorer.sessionCalls()).isEqualTo(2);
    }
}
