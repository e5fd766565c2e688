package dev.vigil.storage.fs;

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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session loop on the file store: two engines' loops (own registries and ids) on one store run one pass at a
 * time under the experiment's lease, survive a reopen without re-scoring, and a dead engine's lease is taken over.
 */
class FsSessionMonitorTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);
    static final AtomicInteger CALLS = new AtomicInteger();

    @TempDir
    Path dir;

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
    void twoLoopsOnOneStore_neverScoreASessionTwice_evenAcrossAReopen() throws Exception {
        CALLS.set(0);
        MutableClock clock = new MutableClock(T0);
        String uri = "fs:" + dir.resolve("store");
        String exp;
        try (Store s = Stores.open(uri, StoreOptions.withClock(clock))) {
            exp = s.experiments().getOrCreate("chat").experimentId();
            ScorerRegistry.of(s, exp).register(Scorers.ofClass("turns", Turns.class)).start(SamplingConfig.of(1.0));
            for (int i = 0; i < 4; i++) {
                s.traces().put(Conversations.conversation(exp, "s" + i, T0, Duration.ofMinutes(1), "Hi", "Hello"));
            }
            clock.set(T0.plus(Duration.ofMinutes(10)));
            try (SessionMonitor a = monitor(s, "engine-a", clock); SessionMonitor b = monitor(s, "engine-b", clock)) {
                CountDownLatch go = new CountDownLatch(1);
                List<Map<String, SessionPass>> results = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Thread> threads = new ArrayList<>();
                for (SessionMonitor m : List.of(a, b)) {
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
            } // close gives the lease up
        }
        try (Store s = Stores.open(uri, StoreOptions.withClock(clock))) {
            s.traces().put(Conversations.conversation(exp, "late", T0.plus(Duration.ofMinutes(2)),
                    Duration.ofMinutes(1), "Hello?", "Yes?"));
            try (SessionMonitor b = monitor(s, "engine-b", clock); SessionMonitor c = monitor(s, "engine-c", clock)) {
                SessionPass pass = b.runOnce().get(exp);
                assertThat(pass.upToDate()).isEqualTo(4);
                assertThat(pass.scored()).isEqualTo(1);
                assertThat(c.runOnce()).as("engine-b holds the lease").isEmpty();
                clock.advance(TTL.plusSeconds(1)); // b dies: its lease lapses
                assertThat(c.runOnce().get(exp).upToDate()).isEqualTo(5);
            }
            assertThat(CALLS).hasValue(5);
            List<Assessment> all = new ArrayList<>();
            for (String id : List.of("s0", "s1", "s2", "s3", "late")) {
                all.addAll(s.assessments().listByTrace(id + "-t1"));
            }
            assertThat(all).hasSize(5).allSatisfy(x -> assertThat(x.feedback().value()).isEqualTo(1L));
        }
    }
}
