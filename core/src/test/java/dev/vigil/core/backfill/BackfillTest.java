package dev.vigil.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.internal.Await;
import dev.vigil.core.engine.internal.TestScorers;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackfillTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = MutableClock.atDefaultStart();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    private Vigil vigil(Store store, int pageSize) {
        Vigil v = Vigil.builder().store(store).clock(clock).pollInterval(Duration.ofMillis(20))
                .leaseTtl(Duration.ofSeconds(5)).backfillPageSize(pageSize).build();
        toClose.add(v);
        return v;
    }

    private Store memory() {
        Store s = Stores.open("memory:");
        toClose.add(s);
        return s;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static List<Assessment> feedback(ExperimentHandle exp, String traceId, String scorer) {
        return exp.assessments(traceId).stream().filter(a -> scorer.equals(a.scorerName())).toList();
    }

    private static BackfillProgress awaitDone(ExperimentHandle exp, String job) {
        Await.until("backfill " + job + " finished", () -> exp.backfillProgress(job).status().isTerminal(),
                () -> exp.backfillProgress(job));
        return exp.backfillProgress(job);
    }

    @Test
    void progress_movesWithinTheFirstPage_beforeThePageIsSaved() throws Exception {
        Vigil vigil = vigil(memory(), 1_000);
        ExperimentHandle exp = vigil.experiment("shop");
        exp.log(new TraceGenerator(2, exp.id(), START, Duration.ofSeconds(1)).traces(30));
        java.util.concurrent.Semaphore gate = new java.util.concurrent.Semaphore(0);
        exp.scorers().register(Scorers.code("gated", in -> {
            try {
                gate.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        })).start(SamplingConfig.of(1.0));

        String job = exp.backfill(START, START.plusSeconds(60), "gated");
        // issue #20: the bar showed nothing until the whole first page (1,000 traces) was scored and saved
        assertThat(exp.backfillProgress(job).status()).isIn(JobStatus.PENDING, JobStatus.RUNNING);
        gate.release(5);
        Await.until("5 runs of the first page counted", () -> exp.backfillProgress(job).scored() == 5,
                () -> exp.backfillProgress(job));

        BackfillProgress midPage = exp.backfillProgress(job);
        assertThat(midPage.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(midPage.scanned()).as("the page read is counted as scanned").isEqualTo(30);
        assertThat(midPage.scored()).isEqualTo(5);
        assertThat(vigil.store().jobs().get(job).orElseThrow().progress()).as("nothing of the page saved yet")
                .doesNotContainKey(BackfillProgress.SCORED);
        gate.release(1_000);
        BackfillProgress done = awaitDone(exp, job);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.scanned()).isEqualTo(30);
        assertThat(done.scored()).isEqualTo(30);
    }

    @Test
    void backfill_scoresTheSampledMatchingHistoryInRange_andReportsProgress() {
        Vigil vigil = vigil(memory(), 100);
        ExperimentHandle exp = vigil.experiment("shop");
        List<Trace> traces = new TraceGenerator(1, exp.id(), START, Duration.ofSeconds(1)).errorRate(0.2)
                .traces(1_000);
        exp.log(traces);
        String filter = "trace.status = 'OK'";
        exp.scorers().register(Scorers.code("ok", in -> true)).start(SamplingConfig.of(0.2, filter));
        Instant from = START.plusSeconds(100);
        Instant to = START.plusSeconds(900);

        String job = exp.backfill(List.of(BackfillScorer.of("ok", 0.5)), from, to);
        BackfillProgress p = awaitDone(exp, job);

        TraceFilter f = TraceFilter.parse(filter);
        Sampler sampler = Sampler.defaultSampler();
        long expected = 0;
        long inRangeOk = 0;
        for (Trace t : traces) {
            Instant at = t.info().requestTime();
            boolean inRange = !at.isBefore(from) && at.isBefore(to);
            boolean sampled = inRange && f.test(t) && sampler.keep(t.traceId(), "ok", 0.5);
            inRangeOk += inRange && f.test(t) ? 1 : 0;
            expected += sampled ? 1 : 0;
            assertThat(feedback(exp, t.traceId(), "ok")).hasSize(sampled ? 1 : 0);
        }
        assertThat(p.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(p.sampled()).isEqualTo(expected);
        assertThat(p.scored()).isEqualTo(expected);
        assertThat(p.failed()).isZero();
        assertThat(p.skipped()).isZero();
        assertThat(p.estimatedRemaining()).isZero();
        // the filter was pushed to the store: only matching traces in range were scanned
        assertThat(p.scanned()).isEqualTo(inRangeOk);
        assertThat(expected).isBetween(inRangeOk / 2 - 60, inRangeOk / 2 + 60);
        Assessment any = traces.stream().flatMap(t -> feedback(exp, t.traceId(), "ok").stream()).findFirst()
                .orElseThrow();
        assertThat(any.metadata()).containsEntry("vigil.sampling.rate", "0.5");
    }

    @Test
    void backfill_atTheLiveRate_neverRescoresWhatLiveMonitoringScored() {
        AtomicInteger runs = new AtomicInteger();
        Vigil vigil = vigil(memory(), 50);
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("count", Scorer.Workload.CPU, in -> runs.incrementAndGet()))
                .start(SamplingConfig.of(0.5));
        vigil.startMonitoring();
        List<Trace> traces = new TraceGenerator(2, exp.id(), START, Duration.ofSeconds(1)).traces(300);
        exp.log(traces);
        Sampler sampler = Sampler.defaultSampler();
        long sampled = traces.stream().filter(t -> sampler.keep(t.traceId(), "count", 0.5)).count();
        Await.until("live scoring done", () -> runs.get() == sampled && vigil.engine().queueDepth() == 0);

        String job = exp.backfill(START, START.plusSeconds(10_000), "count");
        BackfillProgress p = awaitDone(exp, job);
        assertThat(p.sampled()).isEqualTo(sampled);
        assertThat(p.skipped()).isEqualTo(sampled);
        assertThat(p.scored()).isZero();
        assertThat(runs.get()).isEqualTo((int) sampled);
        for (Trace t : traces) {
            assertThat(feedback(exp, t.traceId(), "count")).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void backfill_ofAnUnknownScorer_failsWithMlflowsMessage() {
        Vigil vigil = vigil(memory(), 50);
        ExperimentHandle exp = vigil.experiment("shop");
        assertThatThrownBy(() -> exp.backfill(START, START.plusSeconds(10), "nope"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Scheduled scorer 'nope' not found in experiment 'shop'");
    }

    @Test
    void backfill_ofAStoppedScorerWithoutARate_saysToGiveOne() {
        Vigil vigil = vigil(memory(), 50);
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(Scorers.code("idle", in -> 1));
        assertThatThrownBy(() -> exp.backfill(START, START.plusSeconds(10), "idle"))
                .hasMessageContaining("stopped (sample rate 0)").hasMessageContaining("give the backfill a sample rate");
    }

    @Test
    void cancel_stopsARunningBackfillBeforeItsNextPage() throws Exception {
        CountDownLatch firstPageStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Vigil vigil = vigil(memory(), 10);
        ExperimentHandle exp = vigil.experiment("shop");
        exp.log(new TraceGenerator(3, exp.id(), START, Duration.ofSeconds(1)).traces(100));
        exp.scorers().register(TestScorers.of("slow", Scorer.Workload.CPU, in -> {
            firstPageStarted.countDown();
            release.await();
            return 1;
        }));
        String job = exp.backfill(List.of(BackfillScorer.of("slow", 1.0)), START, START.plusSeconds(1_000));
        firstPageStarted.await();
        BackfillProgress cancelled = exp.cancelBackfill(job);
        release.countDown();
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        BackfillProgress p = vigil.backfills().await(job, Duration.ofSeconds(30));
        assertThat(p.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(p.scanned()).isLessThan(100);
    }

    @Test
    void backfill_leftRunningByAClosedEngine_isResumedFromItsCheckpoint() throws Exception {
        Store store = memory();
        CountDownLatch secondPage = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Vigil first = vigil(store, 100);
        ExperimentHandle exp = first.experiment("shop");
        List<Trace> traces = new TraceGenerator(4, exp.id(), START, Duration.ofSeconds(1)).traces(500);
        exp.log(traces);
        exp.scorers().register(Scorers.ofClass("length", TestScorers.OutputLength.class));
        exp.scorers().register(TestScorers.of("gate", Scorer.Workload.CPU, in -> {
            if (calls.incrementAndGet() > 100) {
                secondPage.countDown();
                Thread.sleep(Duration.ofHours(1)); // "crash" in the middle of page 2
            }
            return 1;
        }));
        String job = exp.backfill(List.of(BackfillScorer.of("length", 1.0), BackfillScorer.of("gate", 1.0)), START,
                START.plusSeconds(1_000));
        secondPage.await();
        first.close(); // the job stays RUNNING with page 1's checkpoint
        BackfillProgress mid = BackfillProgress.of(store.jobs().get(job).orElseThrow());
        assertThat(mid.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(mid.scanned()).isEqualTo(100);

        Vigil second = vigil(store, 100);
        ExperimentHandle exp2 = second.experiment("shop");
        second.startMonitoring(); // resumes abandoned backfills
        BackfillProgress done = awaitDone(exp2, job);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.scanned()).isEqualTo(500);
        for (Trace t : traces) {
            assertThat(feedback(exp2, t.traceId(), "length")).hasSize(1);
        }
        // page 1 was not scored again after the restart
        assertThat(done.scored() + done.skipped() + done.failed()).isGreaterThanOrEqualTo(2L * 500 - 200);
    }
}
