package dev.vigil.testkit.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The session monitor on a store backend, as several engines run it: the scorers come from the experiment's
 * registry, a pass over an experiment runs only under its lease (two engines never run the same pass, a dead
 * engine's lease is taken over once it expires, a monitor that loses its lease or is closed stops before its next
 * call), session results are never written twice, and the engine's failure handling holds (transient failures and
 * timeouts record nothing and are retried on a later pass, a buggy scorer's error is recorded without stopping the
 * others). Subclass it once per backend and engine (see {@link SessionMonitorConformanceBase} for the seams); time
 * is the injected clock's, except the scorer timeout and the background loop's pass interval.
 */
public abstract class SessionMonitorConformanceSuite extends SessionMonitorConformanceBase {

    private static final String LEASE_PREFIX = "vigil.sessions/";

    @Test
    void activeSessionScorerFromTheRegistry_scoresIdleSessionsOnce() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(3)));
        Monitor a = monitor("engine-a");
        assertThat(a.runOnce().get(exp).active()).isEqualTo(1);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        assertThat(a.runOnce().get(exp).scored()).isEqualTo(1);
        assertThat(a.runOnce().get(exp).upToDate()).isEqualTo(1);

        assertThat(CountingSessionScorer.SEEN).containsExactly("s1@2");
        assertThat(CountingSessionScorer.TRACE_CALLS).hasValue(0);
        assertThat(sessionAssessments("s1")).singleElement().satisfies(x -> {
            assertThat(x.feedback().value()).isEqualTo(2L);
            assertThat(x.scorerName()).isEqualTo(CountingSessionScorer.NAME);
            assertThat(x.scorerVersion()).isEqualTo(1);
        });
    }

    @Test
    void stoppedSessionScorer_isNotRun_andItsLeaseIsGivenUp() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        Monitor a = monitor("engine-a");
        assertThat(a.runOnce()).containsKey(exp); // takes the lease
        stopScorer(store, exp, CountingSessionScorer.NAME);
        chat("s2", T0.plus(Duration.ofMinutes(1)));
        clock.set(T0.plus(Duration.ofMinutes(20)));
        assertThat(a.runOnce()).isEmpty();
        assertThat(CountingSessionScorer.SESSION_CALLS).hasValue(1);
        assertThat(other.jobs().tryAcquire(LEASE_PREFIX + exp, "engine-b", TTL)).isPresent();
    }

    @Test
    void twoMonitorsOnOneStore_neverRunTheSamePass() throws Exception {
        for (int i = 0; i < 3; i++) {
            chat("s" + i, T0);
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
        Monitor a = monitor("engine-a");
        Monitor b = monitor(other, "engine-b", SCORER_TIMEOUT);
        assertThat(a.runOnce().get(exp).scored()).isEqualTo(3);
        assertThat(b.runOnce()).as("engine-a holds the experiment's lease").isEmpty();
        assertThat(CountingSessionScorer.SESSION_CALLS).hasValue(3);

        // both at once, after a's lease lapsed: exactly one of them gets it
        for (int i = 3; i < 8; i++) {
            chat("s" + i, T0.plus(Duration.ofMinutes(10)));
        }
        clock.set(T0.plus(Duration.ofMinutes(30)));
        List<Map<String, Pass>> results = runTogether(List.of(a, b));
        assertThat(results).filteredOn(r -> r.containsKey(exp)).hasSize(1);
        assertThat(CountingSessionScorer.SESSION_CALLS).hasValue(8);
        for (int i = 0; i < 8; i++) {
            assertThat(sessionAssessments("s" + i)).as("s" + i).hasSize(1);
        }
    }

    @Test
    void twoEnginesStartingTogether_oneWins_andTheOtherTakesOverAfterItsLeaseLapses_withoutRescoring()
            throws Exception {
        for (int i = 0; i < 4; i++) {
            chat("s" + i, T0);
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
        Monitor a = monitor("engine-a");
        Monitor b = monitor(other, "engine-b", SCORER_TIMEOUT);
        List<Map<String, Pass>> results = runTogether(List.of(a, b));
        assertThat(results).filteredOn(r -> r.containsKey(exp)).hasSize(1);
        assertThat(CountingSessionScorer.SESSION_CALLS).hasValue(4);
        boolean aHolds = a.runOnce().containsKey(exp);
        Monitor holder = aHolds ? a : b;
        Monitor loser = aHolds ? b : a;
        assertThat(loser.runOnce()).as("the holder keeps its lease").isEmpty();

        // the holder dies (never renews); after the lease expires the other takes over, without re-scoring
        chat("late", T0.plus(Duration.ofMinutes(5)));
        clock.set(T0.plus(Duration.ofMinutes(20)));
        Pass taken = loser.runOnce().get(exp);
        assertThat(taken.upToDate()).isEqualTo(4);
        assertThat(taken.scored()).isEqualTo(1);
        assertThat(holder.runOnce()).isEmpty();
        assertThat(CountingSessionScorer.SESSION_CALLS).hasValue(5);
        for (String id : List.of("s0", "s1", "s2", "s3", "late")) {
            assertThat(sessionAssessments(id)).as(id).singleElement()
                    .satisfies(x -> assertThat(x.feedback().value()).isEqualTo(2L));
        }
    }

    @Test
    void deadEnginesLease_isTakenOverAfterItExpires_withoutRescoring() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        Monitor a = monitor("engine-a");
        Monitor b = monitor(other, "engine-b", SCORER_TIMEOUT);
        a.runOnce(); // a then dies without closing
        chat("s2", T0.plus(Duration.ofMinutes(2)));
        clock.set(T0.plus(Duration.ofMinutes(10)).plus(TTL).plusSeconds(1));
        Pass taken = b.runOnce().get(exp);
        assertThat(taken.upToDate()).isEqualTo(1);
        assertThat(taken.scored()).isEqualTo(1);
        assertThat(a.runOnce()).as("b holds it now").isEmpty();
        assertThat(CountingSessionScorer.SEEN).containsExactlyInAnyOrder("s1@2", "s2@2");
    }

    @Test
    void monitorThatLosesItsLeaseMidPass_stopsBeforeItsNextCall() {
        for (int i = 0; i < 4; i++) {
            chat("s" + i, T0);
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
        Monitor a = monitor("engine-a");
        CountingSessionScorer.onCall = () -> {
            if (CountingSessionScorer.SESSION_CALLS.get() == 2) {
                // a's call takes longer than its lease: engine-b takes the experiment over meanwhile
                clock.advance(TTL.plusSeconds(1));
                assertThat(other.jobs().tryAcquire(LEASE_PREFIX + exp, "engine-b", TTL)).isPresent();
            }
        };
        Pass cut = a.runOnce().get(exp);
        assertThat(cut.scored()).isEqualTo(2);
        assertThat(CountingSessionScorer.SESSION_CALLS).hasValue(2);
    }

    @Test
    void retryableJudgeFailures_recordNothing_andAreScoredOnALaterPass() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        for (FailureKind kind : List.of(FailureKind.UNPARSEABLE, FailureKind.AUTH, FailureKind.RATE_LIMITED)) {
            CountingSessionScorer.fail = new JudgeException(kind, "judge said " + kind);
            // a fresh engine per kind: the runner's circuit breaker would otherwise open after the retries
            Monitor m = monitor("engine-" + kind);
            assertThat(m.runOnce().get(exp).deferred()).as(kind.name()).isEqualTo(1);
            m.close();
            assertThat(sessionAssessments("s1")).as(kind.name()).isEmpty();
        }
        CountingSessionScorer.fail = null;
        assertThat(monitor("engine-ok").runOnce().get(exp).scored()).isEqualTo(1);
        assertThat(sessionAssessments("s1")).singleElement()
                .satisfies(x -> assertThat(x.feedback().value()).isEqualTo(2L));
    }

    @Test
    void judgeCallThatOverrunsItsTimeout_isDeferred() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        CountingSessionScorer.block = true;
        Pass pass = monitor(store, "engine-a", Duration.ofMillis(50)).runOnce().get(exp);
        assertThat(pass.deferred()).isEqualTo(1);
        assertThat(sessionAssessments("s1")).isEmpty();
    }

    @Test
    void aBuggyScorer_isRecordedAsAnError_andDoesNotStopTheOthers() {
        startSessionScorer(store, exp, FailingSessionScorer.NAME, FailingSessionScorer.class);
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        Pass pass = monitor("engine-a").runOnce().get(exp);
        assertThat(pass.scored()).isEqualTo(2);
        assertThat(sessionAssessments("s1")).extracting(Assessment::name)
                .containsExactlyInAnyOrder(CountingSessionScorer.NAME, FailingSessionScorer.NAME);
        assertThat(sessionAssessments("s1")).filteredOn(x -> x.name().equals(FailingSessionScorer.NAME))
                .singleElement()
                .satisfies(x -> assertThat(x.feedback().error().message()).contains(FailingSessionScorer.MESSAGE));
    }

    @Test
    void close_givesTheLeasesUp() {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        Monitor a = monitor("engine-a");
        a.runOnce();
        a.close();
        assertThat(monitor(other, "engine-b", SCORER_TIMEOUT).runOnce()).containsKey(exp);
    }

    @Test
    void closingDuringAPass_stopsBeforeTheNextCall_andGivesTheLeaseUp() {
        for (int i = 0; i < 3; i++) {
            chat("s" + i, T0);
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
        Monitor a = monitor("engine-a");
        CountingSessionScorer.onCall = a::close;
        assertThat(a.runOnce().get(exp).scored()).isEqualTo(1);
        assertThat(CountingSessionScorer.SESSION_CALLS).hasValue(1);
        assertThat(a.runOnce()).as("a closed monitor runs no pass").isEmpty();
        CountingSessionScorer.onCall = () -> { };
        assertThat(monitor(other, "engine-b", SCORER_TIMEOUT).runOnce().get(exp).scored()).isEqualTo(2);
    }

    @Test
    void started_runsPassesInTheBackground_untilClosed() throws Exception {
        chat("s1", T0);
        clock.set(T0.plus(Duration.ofMinutes(10)));
        Monitor a = monitor("engine-a");
        a.start();
        assertThat(a.isRunning()).isTrue();
        awaitScored("s1");
        // a later pass picks up a session that went idle after the first
        chat("s2", T0.plus(Duration.ofMinutes(9)));
        clock.set(T0.plus(Duration.ofMinutes(20)));
        awaitScored("s2");
        a.close();
        assertThat(a.isRunning()).isFalse();
        assertThat(CountingSessionScorer.SEEN).containsExactly("s1@2", "s2@2");
    }

    /**
     * On a durable store: results and the released lease survive a reopen (nothing is scored twice), and a dead
     * engine's lease is then taken over. On a store that is not durable only the first part (two engines, each
     * session scored once) applies, as in the store suites' reopen tests.
     */
    @Test
    void twoEngines_neverScoreASessionTwice_acrossAReopenAndATakeover() throws Exception {
        for (int i = 0; i < 4; i++) {
            chat("s" + i, T0);
        }
        clock.set(T0.plus(Duration.ofMinutes(10)));
        try (Monitor a = monitor("engine-a"); Monitor b = monitor(other, "engine-b", SCORER_TIMEOUT)) {
            List<Map<String, Pass>> results = runTogether(List.of(a, b));
            assertThat(results).filteredOn(r -> r.containsKey(exp)).hasSize(1);
            assertThat(CountingSessionScorer.SESSION_CALLS).hasValue(4);
        } // close gives the lease up
        if (other != store) {
            other.close();
        }
        other = null;
        store.close();
        store = reopenStore(clock);
        if (store == null) {
            return; // not durable: nothing survives a close, so there is no reopen to check
        }
        other = store;

        chat("late", T0.plus(Duration.ofMinutes(2)));
        Monitor b = monitor("engine-b");
        Monitor c = monitor("engine-c");
        Pass pass = b.runOnce().get(exp);
        assertThat(pass.upToDate()).isEqualTo(4);
        assertThat(pass.scored()).isEqualTo(1);
        assertThat(c.runOnce()).as("engine-b holds the lease").isEmpty();
        clock.advance(TTL.plusSeconds(1)); // b dies: its lease lapses
        assertThat(c.runOnce().get(exp).upToDate()).isEqualTo(5);
        assertThat(CountingSessionScorer.SESSION_CALLS).hasValue(5);
        List<Assessment> all = new ArrayList<>();
        for (String id : List.of("s0", "s1", "s2", "s3", "late")) {
            all.addAll(sessionAssessments(id));
        }
        assertThat(all).hasSize(5).allSatisfy(x -> assertThat(x.feedback().value()).isEqualTo(2L));
    }
}
