package dev.vigil.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.metrics.EngineStats;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.session.CountingSessionScorer;
import dev.vigil.testkit.session.FailingSessionScorer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session monitor reports each finished pass to its metrics: pairs scored, failed for good, deferred. */
class SessionMonitorMetricsTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);

    MutableClock clock;
    Store store;
    String exp;
    EngineStats stats;

    @BeforeEach
    void open() {
        CountingSessionScorer.reset();
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        exp = store.experiments().getOrCreate("chat").experimentId();
        store.experiments().getOrCreate("quiet"); // no session scorer: no pass
        ScorerRegistry registry = ScorerRegistry.of(store, exp);
        registry.register(Scorers.ofClass(CountingSessionScorer.NAME, CountingSessionScorer.class))
                .start(SamplingConfig.of(1.0));
        registry.register(Scorers.ofClass(FailingSessionScorer.NAME, FailingSessionScorer.class))
                .start(SamplingConfig.of(1.0));
        stats = new EngineStats();
        for (String id : new String[] {"s1", "s2"}) {
            store.traces().put(Conversations.conversation(exp, id, T0, Duration.ofMinutes(1), "Hi", "Hello!"));
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
    }

    @AfterEach
    void close() {
        store.close();
        CountingSessionScorer.reset();
    }

    /** A monitor of its own engine (own runner, retries without pausing) reporting to {@link #stats}. */
    SessionMonitor monitor(String owner) {
        ScorerRunner runner = new ScorerRunner(RetryPolicy.DEFAULT, Map.of(), ProviderLimit.DEFAULT, d -> { },
                System::nanoTime, () -> 0.5);
        return new SessionMonitor(store, id -> ScorerRegistry.of(store, id), runner, stats, Duration.ofSeconds(30),
                SessionOptions.defaults(), Duration.ofSeconds(1), owner, TTL, clock);
    }

    @Test
    void passes_countScoredFailedAndDeferredPairs_inTotalAndPerExperiment() {
        CountingSessionScorer.failWith(new JudgeException(FailureKind.RATE_LIMITED, "slow down"));
        try (SessionMonitor a = monitor("engine-a")) {
            SessionPass first = a.runOnce().get(exp);
            assertThat(first.scored()).isEqualTo(2);
            assertThat(first.failed()).isEqualTo(2);
            assertThat(first.deferred()).isEqualTo(2);
            assertThat(stats.snapshot().sessions()).isEqualTo(new EngineStats.SessionCounts(1, 2, 2, 2));

            try (SessionMonitor b = monitor("engine-b")) {
                assertThat(b.runOnce()).as("engine-a holds the lease").isEmpty();
            }
            assertThat(stats.snapshot().sessions().passes()).as("a skipped experiment is no pass").isEqualTo(1);
        }

        // a fresh engine (its runner's breaker closed) after the first gave the lease up: the deferred pairs now
        CountingSessionScorer.failWith(null);
        try (SessionMonitor c = monitor("engine-c")) {
            SessionPass second = c.runOnce().get(exp);
            assertThat(second.scored()).isEqualTo(2);
            assertThat(second.failed()).isZero();
            assertThat(second.upToDate()).isEqualTo(2);
        }

        EngineStats.SessionCounts total = new EngineStats.SessionCounts(2, 4, 2, 2);
        assertThat(stats.snapshot().sessions()).isEqualTo(total);
        assertThat(stats.snapshot(exp).sessions()).isEqualTo(total);
        String quiet = store.experiments().getOrCreate("quiet").experimentId();
        assertThat(stats.snapshot(quiet).sessions()).isEqualTo(EngineStats.SessionCounts.NONE);
    }

    @Test
    void aClosedMonitor_reportsNoPass() {
        SessionMonitor a = monitor("engine-a");
        a.close();
        assertThat(a.runOnce()).isEmpty();
        assertThat(stats.snapshot().sessions()).isEqualTo(EngineStats.SessionCounts.NONE);
    }
}
