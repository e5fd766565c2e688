package dev.vigil.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.internal.Await;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.internal.TestScorers;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A backfill job owns the pairs it defers after a transient failure: no error rows, no help from a monitoring
 * engine, retried by the job itself on its back-off (injected clock) whether or not the scorer version is active,
 * resumed from its checkpoint, and the job is not SUCCEEDED until every pair is scored or given up.
 */
class BackfillDeferralTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = MutableClock.atDefaultStart();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static List<Assessment> feedback(ExperimentHandle exp, String traceId, String scorer) {
        return exp.assessments(traceId).stream().filter(a -> scorer.equals(a.scorerName())).toList();
    }

    private Vigil vigil(Store store, int deferredRetries) {
        // the ticker follows the injected clock, so that a provider breaker opened by the failures closes again as
        // the clock passes the back-off
        Vigil v = Vigil.builder().store(store).clock(clock)
                .ticker(() -> clock.instant().getEpochSecond() * 1_000_000_000L + clock.instant().getNano())
                .pauser(d -> { })
                .pollInterval(Duration.ofMillis(20)).leaseTtl(Duration.ofSeconds(5)).backfillPageSize(10)
                .backfillParallelism(1)
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMinutes(5), 0.0))
                .retryFirstDelay(Duration.ofSeconds(30)).retryMaxDelay(Duration.ofMinutes(10))
                .backfillDeferredRetries(deferredRetries).build();
        toClose.add(v);
        return v;
    }

    /** A judge that fails with a 503 on the flaky traces: each run ({@code 2} immediate attempts) counts once. */
    private static Scorer flakyJudge(Set<String> flaky, Map<String, AtomicInteger> runs, int failingRuns,
            String permanentlyBad) {
        return TestScorers.of("judge", Scorer.Workload.IO, in -> {
            String id = in.trace().traceId();
            if (id.equals(permanentlyBad)) {
                throw new JudgeException(FailureKind.BAD_REQUEST, "context too long", 400, null);
            }
            if (flaky.contains(id) && runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet()
                    <= 2 * failingRuns) {
                throw new JudgeException(FailureKind.OVERLOADED, "503 overloaded", 503, null);
            }
            return "yes";
        });
    }

    /** Advances the injected clock by {@code step} until the condition holds (the job waits on that clock). */
    private void advanceUntil(String what, Duration step, java.util.function.BooleanSupplier done,
            java.util.function.Supplier<Object> state) {
        Await.until(what, () -> {
            if (done.getAsBoolean()) {
                return true;
            }
            clock.advance(step);
            try {
                Thread.sleep(BackfillRun.WAIT_STEP.toMillis() + 50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return done.getAsBoolean();
        }, state);
    }

    @Test
    void transientFailures_ofAStoppedScorer_areRetriedByTheJob_untilScored_andOnlyThenSucceeded() {
        Store store = Stores.open("memory:", StoreOptions.withClock(clock));
        toClose.add(store);
        Vigil vigil = vigil(store, 8);
        ExperimentHandle exp = vigil.experiment("shop");
        List<Trace> traces = new TraceGenerator(31, exp.id(), START, Duration.ofSeconds(1)).traces(30);
        exp.log(traces);
        Set<String> flaky = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < traces.size(); i += 3) {
            flaky.add(traces.get(i).traceId());
        }
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        // each flaky trace fails its first run and two later attempts, then succeeds
        exp.scorers().register(flakyJudge(flaky, runs, 3, traces.get(1).traceId())).start(SamplingConfig.of(1.0)).stop();

        String job = exp.backfill(List.of(BackfillScorer.of("judge", 1.0)), START, START.plusSeconds(3600));
        Await.until("the scan ended with deferred pairs", () -> {
            BackfillProgress p = exp.backfillProgress(job);
            return p.scanned() == 30 && p.deferred() == 10;
        }, () -> exp.backfillProgress(job));
        BackfillProgress p = exp.backfillProgress(job);
        assertThat(p.status()).as("not succeeded while pairs are deferred").isEqualTo(JobStatus.RUNNING);
        assertThat(p.total()).isEqualTo(30);
        assertThat(p.scored()).isEqualTo(19);
        assertThat(p.failed()).as("the permanent failure only").isEqualTo(1);
        for (String id : flaky) {
            assertThat(feedback(exp, id, "judge")).as("no error row for a transient failure").isEmpty();
        }
        assertThat(store.retries().count(exp.id(), "judge", 1))
                .as("the job keeps its pairs: nothing in the engines' queue").isZero();

        // not due before the back-off (30 s): nothing runs while the injected clock stands still
        clock.advance(Duration.ofSeconds(29));
        sleep(3 * BackfillRun.WAIT_STEP.toMillis());
        assertThat(exp.backfillProgress(job).deferred()).isEqualTo(10);
        assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(2));

        advanceUntil("deferred pairs scored", Duration.ofSeconds(30),
                () -> exp.backfillProgress(job).status().isTerminal(), () -> exp.backfillProgress(job));
        p = exp.backfillProgress(job);
        assertThat(p.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(p.deferred()).isZero();
        assertThat(p.scored()).as(p.toString()).isEqualTo(29);
        assertThat(p.failed()).isEqualTo(1);
        assertThat(p.gaveUp()).isZero();
        for (Trace t : traces) {
            List<Assessment> a = feedback(exp, t.traceId(), "judge");
            assertThat(a).as("exactly one assessment for " + t.traceId()).hasSize(1);
        }
        for (String id : flaky) {
            assertThat(feedback(exp, id, "judge").get(0).feedback().value()).isEqualTo("yes");
            assertThat(runs.get(id).get()).as("the first run and two later attempts fail (2 tries each), the third"
                    + " later attempt succeeds at once").isEqualTo(7);
        }
    }

    @Test
    void runsTheOpenBreakerRefused_doNotCountAsLaterAttempts_soHealthyPairsAreNotGivenUp() {
        Store store = Stores.open("memory:", StoreOptions.withClock(clock));
        toClose.add(store);
        Vigil vigil = vigil(store, 1); // one later attempt only
        ExperimentHandle exp = vigil.experiment("shop");
        List<Trace> traces = new TraceGenerator(34, exp.id(), START, Duration.ofSeconds(1)).traces(10);
        exp.log(traces);
        // The provider fails its first 11 calls, whatever the trace (the pairs run one at a time, in no fixed
        // order). First pass: five runs fail (2 tries each), the 10th failure in a row opens the breaker, which
        // refuses the other five runs without a call. Second pass, 30 s later: the breaker's trial call (the 11th)
        // fails and re-opens it, so that run's retry is refused too (a real later attempt: that pair is given up),
        // and the breaker refuses the other nine again. Third pass: the trial succeeds and the nine are scored. A
        // refusal counted as a later attempt would give up all ten in the second pass.
        AtomicInteger calls = new AtomicInteger();
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.IO, in -> {
            if (calls.incrementAndGet() <= 11) {
                throw new JudgeException(FailureKind.OVERLOADED, "503 overloaded", 503, null);
            }
            return "yes";
        })).start(SamplingConfig.of(1.0)).stop();
        String job = exp.backfill(List.of(BackfillScorer.of("judge", 1.0)), START, START.plusSeconds(3600));
        Await.until("the scan ended with deferred pairs", () -> {
            BackfillProgress p = exp.backfillProgress(job);
            return p.scanned() == 10 && p.deferred() == 10;
        }, () -> exp.backfillProgress(job));
        assertThat(calls.get()).as("five runs of 2 tries reached the provider; the open breaker refused the rest")
                .isEqualTo(10);

        advanceUntil("job finished", Duration.ofSeconds(30), () -> exp.backfillProgress(job).status().isTerminal(),
                () -> exp.backfillProgress(job));
        BackfillProgress p = exp.backfillProgress(job);
        assertThat(p.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(p.gaveUp()).as("only a pair whose later attempt reached the provider; " + p).isLessThanOrEqualTo(1);
        assertThat(p.scored() + p.gaveUp()).as(p.toString()).isEqualTo(10);
        assertThat(p.failed()).isEqualTo(p.gaveUp());
        for (Trace t : traces) {
            assertThat(feedback(exp, t.traceId(), "judge")).as("exactly one assessment for " + t.traceId())
                    .hasSize(1);
        }
    }

    @Test
    void deferredPairs_areResumedFromTheCheckpoint_byTheNextProcess() {
        Store store = Stores.open("memory:", StoreOptions.withClock(clock));
        toClose.add(store);
        Vigil first = vigil(store, 8);
        ExperimentHandle exp = first.experiment("shop");
        List<Trace> traces = new TraceGenerator(32, exp.id(), START, Duration.ofSeconds(1)).traces(12);
        exp.log(traces);
        Set<String> flaky = ConcurrentHashMap.newKeySet();
        flaky.add(traces.get(0).traceId());
        flaky.add(traces.get(5).traceId());
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        exp.scorers().register(flakyJudge(flaky, runs, 1, null)).start(SamplingConfig.of(1.0)).stop();
        String job = exp.backfill(List.of(BackfillScorer.of("judge", 1.0)), START, START.plusSeconds(3600));
        Await.until("deferred", () -> exp.backfillProgress(job).deferred() == 2
                && exp.backfillProgress(job).scanned() == 12, () -> exp.backfillProgress(job));
        first.close(); // the process stops: the job stays RUNNING with its pairs in its checkpoint

        Vigil second = vigil(store, 8);
        ExperimentHandle again = second.experiment("shop");
        again.scorers().registerOrGet(flakyJudge(flaky, runs, 1, null));
        clock.advance(Duration.ofSeconds(10)); // past the first lease (5 s)
        Await.until("resumed", () -> second.backfills().resumeAbandoned().contains(job)
                || second.backfills().runnerHolds(job));
        advanceUntil("resumed job finished", Duration.ofSeconds(30),
                () -> again.backfillProgress(job).status().isTerminal(), () -> again.backfillProgress(job));
        BackfillProgress p = again.backfillProgress(job);
        assertThat(p.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(p.scored()).isEqualTo(12);
        assertThat(p.deferred()).isZero();
        for (String id : flaky) {
            assertThat(feedback(again, id, "judge")).singleElement()
                    .satisfies(a -> assertThat(a.feedback().value()).isEqualTo("yes"));
        }
    }

    @Test
    void aPairThatKeepsFailing_isGivenUpAfterTheRetryPolicy_asOneErrorRow() {
        Store store = Stores.open("memory:", StoreOptions.withClock(clock));
        toClose.add(store);
        Vigil vigil = vigil(store, 3);
        ExperimentHandle exp = vigil.experiment("shop");
        List<Trace> traces = new TraceGenerator(33, exp.id(), START, Duration.ofSeconds(1)).traces(6);
        exp.log(traces);
        Set<String> flaky = Set.of(traces.get(2).traceId());
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        exp.scorers().register(flakyJudge(flaky, runs, Integer.MAX_VALUE / 4, null)).start(SamplingConfig.of(1.0));

        String job = exp.backfill(START, START.plusSeconds(3600), "judge");
        advanceUntil("given up", Duration.ofMinutes(1), () -> exp.backfillProgress(job).status().isTerminal(),
                () -> exp.backfillProgress(job));
        BackfillProgress p = exp.backfillProgress(job);
        assertThat(p.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(p.scored()).isEqualTo(5);
        assertThat(p.failed()).isEqualTo(1);
        assertThat(p.gaveUp()).isEqualTo(1);
        assertThat(p.deferred()).isZero();
        assertThat(runs.get(traces.get(2).traceId()).get()).as("first run + 3 later attempts").isEqualTo(8);
        assertThat(feedback(exp, traces.get(2).traceId(), "judge")).singleElement()
                .satisfies(a -> assertThat(a.feedback().error().code()).isEqualTo("OVERLOADED"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
