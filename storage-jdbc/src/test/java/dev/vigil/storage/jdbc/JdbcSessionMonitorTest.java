package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.core.session.SessionMonitor;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.core.session.SessionPass;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The session loop on H2, as two engines (two stores on one database, each with its own registry and id) run it:
 * the experiment's lease lets one pass run at a time, a dead engine's lease is taken over, and no session version is
 * scored twice.
 */
class JdbcSessionMonitorTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);
    static final AtomicInteger CALLS = new AtomicInteger();

    /** Rebuilt by each engine from its class: the number of turns, calls counted. */
    public static final class Turns implements Scorer, SessionScorer {
        /** For the codec. */
        public Turns() {}

        @Override public String name() { return "turns"; }
        @Override public ScorerDefinition definition() {
            return new ScorerDefinition("java", Map.of("class", Turns.class.getName()));
        }
        @Override public AssessmentSource source() { return AssessmentSource.code(name()); }
        @Override public Object score(ScorerInput input) { return 0; }
        @Override public Object scoreSession(Session s) {
            CALLS.incrementAndGet();
            return s.turns();
        }
    }

    static SessionMonitor monitor(Store store, String owner, MutableClock clock) {
        return new SessionMonitor(store, id -> ScorerRegistry.of(store, id), Duration.ofSeconds(30),
                SessionOptions.defaults(), Duration.ofSeconds(1), owner, TTL, clock);
    }

    @Test
    void twoEnginesOnOneDatabase_neverScoreASessionTwice() throws Exception {
        CALLS.set(0);
        String url = TestDatabases.newUrl(Dialect.H2);
        MutableClock clock = new MutableClock(T0);
        try (Store a = Stores.open(url, StoreOptions.withClock(clock));
                Store b = Stores.open(url, StoreOptions.withClock(clock))) {
            String exp = a.experiments().getOrCreate("chat").experimentId();
            ScorerRegistry.of(a, exp).register(Scorers.ofClass("turns", Turns.class)).start(SamplingConfig.of(1.0));
            for (int i = 0; i < 4; i++) {
                a.traces().put(Conversations.conversation(exp, "s" + i, T0, Duration.ofMinutes(1), "Hi", "Hello"));
            }
            clock.set(T0.plus(Duration.ofMinutes(10)));
            try (SessionMonitor ma = monitor(a, "engine-a", clock); SessionMonitor mb = monitor(b, "engine-b", clock)) {
                CountDownLatch go = new CountDownLatch(1);
                List<Map<String, SessionPass>> results = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Thread> threads = new ArrayList<>();
                for (SessionMonitor m : List.of(ma, mb)) {
                    threads.add(Thread.ofPlatform().start(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        results.add(m.runOnce());
                    }));
                }
                go.countDown();
                for (Thread t : threads) {
                    t.join();
                }
                assertThat(results).filteredOn(r -> r.containsKey(exp)).hasSize(1);
                assertThat(CALLS).hasValue(4);
                boolean aHolds = results.stream().anyMatch(r -> r.containsKey(exp)) && ma.runOnce().containsKey(exp);
                SessionMonitor holder = aHolds ? ma : mb;
                SessionMonitor other = aHolds ? mb : ma;
                assertThat(other.runOnce()).as("the holder keeps its lease").isEmpty();

                // the holder dies (never renews); after the lease expires the other takes over, without re-scoring
                a.traces().put(Conversations.conversation(exp, "late", T0.plus(Duration.ofMinutes(5)),
                        Duration.ofMinutes(1), "Hello?", "Yes?"));
                clock.set(T0.plus(Duration.ofMinutes(20)));
                SessionPass taken = other.runOnce().get(exp);
                assertThat(taken.upToDate()).isEqualTo(4);
                assertThat(taken.scored()).isEqualTo(1);
                assertThat(holder.runOnce()).isEmpty();
                assertThat(CALLS).hasValue(5);
            }
            List<Assessment> all = new ArrayList<>();
            for (String id : List.of("s0", "s1", "s2", "s3", "late")) {
                all.addAll(a.assessments().listByTrace(id + "-t1"));
            }
            assertThat(all).hasSize(5).allSatisfy(x -> assertThat(x.feedback().value()).isEqualTo(1L));
        }
    }
}
