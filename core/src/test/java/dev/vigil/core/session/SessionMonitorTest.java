package dev.vigil.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.session.Session;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session loop on the memory store: registry-driven, leased per experiment, the engine's failure handling. */
class SessionMonitorTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);

    MutableClock clock;
    Store store;
    String exp;
    final List<SessionMonitor> monitors = new ArrayList<>();

    @BeforeEach
    void open() {
        TurnsJudge.reset();
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        exp = store.experiments().getOrCreate("chat").experimentId();
        ScorerRegistry.of(store, exp).register(Scorers.ofClass("turns", TurnsJudge.class))
                .start(SamplingConfig.of(1.0));
    }

    @AfterEach
    void close() {
        monitors.forEach(SessionMonitor::close);
        store.close();
        TurnsJudge.reset();
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
    void activeSessionScorerFromTheRegistry_scoresIdleSessionsOnce() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(3)));
        SessionMonitor a = monitor("engine-a");
        assertThat(a.runOnce().get(exp).active()).isEqualTo(1);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        assertThat(a.runOnce().get(exp).scored()).isEqualTo(1);
        assertThat(a.runOnce().get(exp).upToDate()).isEqualTo(1);

        assertThat(TurnsJudge.SEEN).containsExactly("s1@2");
        assertThat(TurnsJudge.TRACE_CALLS).hasValue(0);
        assertThat(sessionAssessments("s1")).singleElement().satisfies(x -> {
            assertThat(x.feedback().value()).isEqualTo(2L);
            assertThat(x.scorerName()).isEqualTo("turns");
            assertThat(x.scorerVersion()).isEqualTo(1);
        });
    }

    @Test
    void stoppedSessionScorer_isNotRun_andItsLeaseIsGivenUp() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        SessionMonitor a = monitor("engine-a");
        assertThat(a.runOnce()).containsKey(exp); // takes the lease
        ScorerRegistry.of(store, exp).stop("turns");
        chat("s2", T0.plus(Duration.ofMinutes(1)));
        clock.set(T0.plus(Duration.ofMinutes(20)));
        assertThat(a.runOnce()).isEmpty();
        assertThat(TurnsJudge.SESSION_CALLS).hasValue(1);
        assertThat(store.jobs().tryAcquire(SessionMonitor.LEASE_PREFIX + exp, "engine-b", TTL)).isPresent();
    }

    @Test
    void twoMonitorsOnOneStore_neverRunTheSamePass() throws Exception {
        for (int i = 0; i < 3; i++) {
            chat("s" + i, T0);
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
        SessionMonitor a = monitor("engine-a");
        SessionMonitor b = monitor("engine-b");
        assertThat(a.runOnce().get(exp).scored()).isEqualTo(3);
        assertThat(b.runOnce()).as("engine-a holds the experiment's lease").isEmpty();
        assertThat(TurnsJudge.SESSION_CALLS).hasValue(3);

        // both at once, after a's lease lapsed: exactly one of them gets it
        for (int i = 3; i < 8; i++) {
            chat("s" + i, T0.plus(Duration.ofMinutes(10)));
        }
        clock.set(T0.plus(Duration.ofMinutes(30)));
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
        assertThat(TurnsJudge.SESSION_CALLS).hasValue(8);
        for (int i = 0; i < 8; i++) {
            assertThat(sessionAssessments("s" + i)).as("s" + i).hasSize(1);
        }
    }

    @Test
    void deadEnginesLease_isTakenOverAfterItExpires_withoutRescoring() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        SessionMonitor a = monitor("engine-a");
        SessionMonitor b = monitor("engine-b");
        a.runOnce(); // a then dies without closing
        chat("s2", T0.plus(Duration.ofMinutes(2)));
        clock.set(T0.plus(Duration.ofMinutes(10)).plus(TTL).plusSeconds(1));
        SessionPass taken = b.runOnce().get(exp);
        assertThat(taken.upToDate()).isEqualTo(1);
        assertThat(taken.scored()).isEqualTo(1);
        assertThat(a.runOnce()).as("b holds it now").isEmpty();
        assertThat(TurnsJudge.SEEN).containsExactlyInAnyOrder("s1@2", "s2@2");
    }

    @Test
    void monitorThatLosesItsLeaseMidPass_stopsBeforeItsNextCall() {
        for (int i = 0; i < 4; i++) {
            chat("s" + i, T0);
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
        SessionMonitor a = monitor("engine-a");
        TurnsJudge.onCall = () -> {
            if (TurnsJudge.SESSION_CALLS.get() == 2) {
                // a's call takes longer than its lease: engine-b takes the experiment over meanwhile
                clock.advance(TTL.plusSeconds(1));
                assertThat(store.jobs().tryAcquire(SessionMonitor.LEASE_PREFIX + exp, "engine-b", TTL)).isPresent();
            }
        };
        SessionPass cut = a.runOnce().get(exp);
        assertThat(cut.scored()).isEqualTo(2);
        assertThat(TurnsJudge.SESSION_CALLS).hasValue(2);
    }

    @Test
    void retryableJudgeFailures_recordNothing_andAreScoredOnALaterPass() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        for (FailureKind kind : List.of(FailureKind.UNPARSEABLE, FailureKind.AUTH, FailureKind.RATE_LIMITED)) {
            TurnsJudge.fail = new JudgeException(kind, "judge said " + kind);
            // a fresh engine per kind: the runner's circuit breaker would otherwise open after the retries
            assertThat(monitor("engine-" + kind).runOnce().get(exp).deferred()).as(kind.name()).isEqualTo(1);
            monitors.getLast().close();
            assertThat(sessionAssessments("s1")).as(kind.name()).isEmpty();
        }
        TurnsJudge.fail = null;
        assertThat(monitor("engine-ok").runOnce().get(exp).scored()).isEqualTo(1);
        assertThat(sessionAssessments("s1")).singleElement()
                .satisfies(x -> assertThat(x.feedback().value()).isEqualTo(2L));
    }

    @Test
    void judgeCallThatOverrunsItsTimeout_isDeferred() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        TurnsJudge.block = true;
        SessionPass pass = monitor("engine-a", Duration.ofMillis(50)).runOnce().get(exp);
        assertThat(pass.deferred()).isEqualTo(1);
        assertThat(sessionAssessments("s1")).isEmpty();
    }

    @Test
    void aBuggyScorer_isRecordedAsAnError_andDoesNotStopTheOthers() {
        ScorerRegistry registry = ScorerRegistry.of(store, exp);
        registry.register(Scorers.ofClass("bad", BrokenSessionScorer.class)).start(SamplingConfig.of(1.0));
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        SessionPass pass = monitor("engine-a").runOnce().get(exp);
        assertThat(pass.scored()).isEqualTo(2);
        assertThat(sessionAssessments("s1")).extracting(Assessment::name).containsExactlyInAnyOrder("turns", "bad");
        assertThat(sessionAssessments("s1")).filteredOn(x -> x.name().equals("bad")).singleElement()
                .satisfies(x -> assertThat(x.feedback().error().message()).contains("broken on purpose"));
    }

    @Test
    void close_givesTheLeasesUp() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        SessionMonitor a = monitor("engine-a");
        a.runOnce();
        a.close();
        assertThat(monitor("engine-b").runOnce()).containsKey(exp);
    }

    @Test
    void closingDuringAPass_stopsBeforeTheNextCall_andGivesTheLeaseUp() {
        for (int i = 0; i < 3; i++) {
            chat("s" + i, T0);
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
        SessionMonitor a = monitor("engine-a");
        TurnsJudge.onCall = a::close;
        assertThat(a.runOnce().get(exp).scored()).isEqualTo(1);
        assertThat(TurnsJudge.SESSION_CALLS).hasValue(1);
        assertThat(a.runOnce()).as("a closed monitor runs no pass").isEmpty();
        TurnsJudge.onCall = () -> { };
        assertThat(monitor("engine-b").runOnce().get(exp).scored()).isEqualTo(2);
    }

    @Test
    void started_runsPassesInTheBackground_untilClosed() throws Exception {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        SessionMonitor a = monitor("engine-a");
        a.start();
        assertThat(a.isRunning()).isTrue();
        awaitScored("s1");
        // a later pass picks up a session that went idle after the first
        chat("s2", T0.plus(Duration.ofMinutes(9)));
        clock.set(T0.plus(Duration.ofMinutes(20)));
        awaitScored("s2");
        a.close();
        assertThat(a.isRunning()).isFalse();
        assertThat(TurnsJudge.SEEN).containsExactly("s1@2", "s2@2");
    }

    /** Waits for the background loop's result (the wait bound is a safety net, not a timing assertion). */
    private void awaitScored(String sessionId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (sessionAssessments(sessionId).isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        assertThat(sessionAssessments(sessionId)).as(sessionId).hasSize(1);
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
        assertThat(TurnsJudge.SEEN).containsExactlyInAnyOrder("in1@2", "in2@2");
        assertThat(sessionAssessments("old")).isEmpty();

        // the live path sees the backfilled versions as done
        clock.set(T0.plus(Duration.ofMinutes(30)));
        assertThat(a.runOnce().get(exp).upToDate()).isEqualTo(2);
        assertThat(TurnsJudge.SESSION_CALLS).hasValue(2);
    }
}
