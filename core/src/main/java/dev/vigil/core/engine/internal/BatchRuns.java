package dev.vigil.core.engine.internal;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import dev.vigil.core.engine.BatchScorer;
import dev.vigil.core.engine.EngineOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running half of a {@link TraceBatchScorer}: runs pairs on a pool of virtual threads, counted in flight, as the
 * store-tail engine's {@link WorkRunner} does (pauses and auth failures included), then stores their feedback, puts
 * the deferred pairs in the retry queue and records each run. Shared by new batches and retried pairs.
 */
final class BatchRuns {

    /**
     * What one run produced: feedback to store, or the pair's next retry-queue entry (deferred, not failed); the
     * outcome is null when the pair was not run (its scorer stopped, deleted or paused since it was read).
     */
    record Ran(Work work, Outcome outcome, List<Assessment> assessments, PendingRetry deferred) {}

    private final Store store;
    private final ScorerStates states;
    private final EngineOptions options;
    private final ScorerRunner runner;
    private final EngineMetrics metrics;
    private final RunRecorder recorder;
    private final Clock clock;
    private final Deferrals deferrals;
    private final DurableWrites writes;
    private final boolean hasRetryQueue;
    private final ExecutorService pool;
    private final AtomicInteger inFlight = new AtomicInteger();

    BatchRuns(Store store, ScorerStates states, EngineOptions options, ScorerRunner runner, EngineMetrics metrics,
            RunRecorder recorder, Clock clock, Deferrals deferrals, DurableWrites writes, boolean hasRetryQueue) {
        this.store = store;
        this.states = states;
        this.options = options;
        this.runner = runner;
        this.metrics = metrics;
        this.recorder = recorder;
        this.clock = clock;
        this.deferrals = deferrals;
        this.writes = writes;
        this.hasRetryQueue = hasRetryQueue;
        // virtual threads: judges wait on I/O; CPU scorers are bounded by the source's in-flight limit
        this.pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vigil-batch-", 0).factory());
    }

    /** @return scorer runs admitted and not finished */
    int inFlight() {
        return inFlight.get();
    }

    /** Runs the work on the pool, counted in flight; completes with every run's result in order. */
    CompletableFuture<List<Ran>> runAll(List<Work> work) {
        if (work.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<CompletableFuture<Ran>> runs = new ArrayList<>(work.size());
        inFlight.addAndGet(work.size());
        for (Work w : work) {
            metrics.sampled(w.scorer().experimentId(), w.scorer().name());
            CompletableFuture<Ran> r;
            try {
                r = CompletableFuture.supplyAsync(() -> run(w), pool);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                r = CompletableFuture.failedFuture(new IllegalStateException("the batch scorer was closed", e));
            }
            runs.add(r.whenComplete((x, e) -> inFlight.decrementAndGet()));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
                .thenApply(v -> runs.stream().map(CompletableFuture::join).toList());
    }

    /** Runs one pair, as the store-tail engine's {@link WorkRunner} does: pauses and auth failures included. */
    private Ran run(Work w) {
        ActiveScorer s = w.scorer();
        if (!states.isActive(s)) {
            if (hasRetryQueue && states.inSnapshot(s) && states.isPaused(s.key())) {
                // paused since it was read: the pair waits for the resume
                return new Ran(w, null, List.of(), deferrals.afterFailure(w.retry(), s, w.trace().traceId(),
                        FailureKind.AUTH, states.pauseReason(s.key()), true, clock.instant()));
            }
            return new Ran(w, null, List.of(), null); // stopped or deleted since it was read: no new work for it
        }
        long resumes = states.resumes(s.key());
        Outcome o = runner.run(s.scorer(), s.name(), w.input(), options.scorerTimeout());
        states.trackAuth(s, o, resumes);
        if (!states.isActive(s) && !states.isPaused(s.key())) {
            return new Ran(w, null, List.of(), null); // stopped or deleted while it ran: writes nothing
        }
        Instant now = clock.instant();
        if (hasRetryQueue && (o.transientFailure() || o.authFailure())) {
            // deferred, not failed: the pair waits in the retry queue, no error assessment
            return new Ran(w, o, List.of(), deferrals.afterFailure(w.retry(), s, w.trace().traceId(), o.kind(),
                    o.failure().message(), states.isPaused(s.key()), now));
        }
        List<Assessment> out = new ArrayList<>(o.feedback().size());
        for (Feedback f : o.feedback()) {
            out.add(FeedbackAssessment.of(f, s.scorer(), s.name(), s.version(), w.trace(),
                    o.durationNanos(), s.sampling().sampleRate(), now));
        }
        return new Ran(w, o, out, null);
    }

    /**
     * Stores the runs' feedback, then puts the deferred pairs in the retry queue, then records each run (the
     * retried pairs that ended leave the queue; counters and health, see {@link RunRecorder}).
     *
     * @return true if done, false if given up (closed)
     */
    boolean finish(List<Ran> ran, List<PendingRetry> deferNow, BatchScorer.StoredListener listener) {
        List<Assessment> all = new ArrayList<>();
        List<PendingRetry> defer = new ArrayList<>(deferNow);
        for (Ran r : ran) {
            all.addAll(r.assessments());
            if (r.deferred() != null) {
                defer.add(r.deferred());
            }
        }
        List<Assessment> stored = new ArrayList<>(all.size());
        if (!writes.upsertFeedback(all, stored)) {
            return false;
        }
        if (!defer.isEmpty() && !writes.durably("defer " + defer.size() + " pair(s) to the retry queue",
                () -> store.retries().defer(defer))) {
            return false;
        }
        Instant now = clock.instant();
        for (Ran r : ran) {
            if (r.outcome() != null) {
                recorder.record(r.work(), r.outcome(), r.deferred() != null, now);
            } else if (r.deferred() == null && r.work().retry() != null && !states.inSnapshot(r.work().scorer())) {
                recorder.release(r.work()); // a claimed retry of a scorer gone meanwhile: out of the queue now
            }
        }
        if (!stored.isEmpty()) {
            listener.stored(List.copyOf(stored));
        }
        return true;
    }

    /** Stops taking runs, waits up to the drain timeout for runs in flight, then interrupts the rest. */
    void close() {
        pool.shutdown();
        try {
            Duration d = options.drainTimeout();
            if (!pool.awaitTermination(d.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
