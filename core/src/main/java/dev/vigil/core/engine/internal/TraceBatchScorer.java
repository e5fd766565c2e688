package dev.vigil.core.engine.internal;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.RetryQueue;
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
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores traces handed to it by an external source (a Kafka consumer) on the engine's usual path: each complete
 * trace, for each active scorer of its experiment, is filtered, sampled, run through the {@link ScorerRunner}
 * (retries, timeouts, provider limits) and its feedback upserted; pairs already stored for the same scorer version
 * are skipped. As in the store-tail engine, a run that still fails transiently (or on authentication) after the
 * immediate retries is deferred to the store's retry queue ({@link Store#retries()}), not stored as an error; the
 * queue is drained by {@link #drainRetries()} (in the background after {@link #startRetries()}).
 *
 * <p>The seam between the store-tail {@link MonitoringEngine} and other trace sources: the source decides what to
 * read and when its position may move, this class tells it when a batch is durable. {@link #score} returns a
 * future that completes only after every assessment of the batch was stored and every deferred pair is in the
 * retry queue; a source moves its position (a Kafka offset) past the batch only then. Nothing is queued without bound: {@link #inFlight()} counts the scorer runs
 * admitted and not finished, which a source compares with {@link #maxInFlight()} to pause reading.
 *
 * <p>It shares the {@link MonitoringEngine}'s scorer states and run statistics: a scorer version failing
 * authentication {@code authFailuresBeforePause} times in a row is paused for both (its pairs wait in the retry
 * queue, none is stored as an error), {@link MonitoringEngine#statuses()} and {@link MonitoringEngine#runStats()}
 * (hence {@code Vigil.scorerHealth}) show this scorer's runs, and {@link MonitoringEngine#resume} makes the
 * deferred pairs due for this scorer's retry loop.
 *
 * <p>Thread-safe. Do not run it beside a started {@link MonitoringEngine} on the same traces (they would both
 * score them; idempotent upserts keep one assessment, but the work is done twice).
 */
public final class TraceBatchScorer implements BatchScorer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TraceBatchScorer.class);

    private final Store store;
    private final ScorerStates states;
    private final SamplingDecision sampling;
    private final EngineOptions options;
    private final ScorerRunner runner;
    private final EngineMetrics metrics;
    private final RunRecorder recorder;
    private final Clock clock;
    private final Deferrals deferrals;
    private final DurableWrites writes;
    private final RetryTriage triage;
    private final boolean hasRetryQueue;
    private final ExecutorService pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;
    private volatile Thread retryLoop;

    /**
     * What one run produced: feedback to store, or the pair's next retry-queue entry (deferred, not failed); the
     * outcome is null when the pair was not run (its scorer stopped, deleted or paused since it was read).
     */
    private record Ran(Work work, Outcome outcome, List<Assessment> assessments, PendingRetry deferred) {}

    /**
     * A batch scorer on an engine's store, options, scorer states (active scorers, pauses) and run statistics.
     *
     * @param engine the engine whose store, options, scorer states and run statistics it shares (it need not be
     *     started)
     * @param sampling the sampling decision
     * @param runner runs scorers with retries, timeouts and provider limits
     * @param metrics where to report
     * @param clock assessment times and retry due times
     */
    public TraceBatchScorer(MonitoringEngine engine, SamplingDecision sampling, ScorerRunner runner,
            EngineMetrics metrics, Clock clock) {
        this.store = engine.store();
        this.states = engine.scorerStates();
        this.sampling = sampling;
        this.options = engine.options();
        this.runner = runner;
        this.metrics = metrics;
        this.recorder = new RunRecorder(store, metrics, engine.runTracker(), options.engineId());
        this.clock = clock;
        this.deferrals = new Deferrals(options.retryFirstDelay(), options.retryMaxDelay());
        this.hasRetryQueue = hasRetryQueue(store);
        this.writes = new DurableWrites(store, options.engineId(), () -> closed);
        this.triage = new RetryTriage(store, deferrals, states::find, states::isPaused, options.retryMaxDelay());
        // virtual threads: judges wait on I/O; CPU scorers are bounded by the source's in-flight limit
        this.pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vigil-batch-", 0).factory());
    }

    private static boolean hasRetryQueue(Store store) {
        try {
            return store.retries() != null;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** @return scorer runs admitted and not finished */
    @Override
    public int inFlight() {
        return inFlight.get();
    }

    /** @return the in-flight limit from the engine options, past which a source should stop reading */
    @Override
    public int maxInFlight() {
        return options.maxInFlight();
    }

    /**
     * Re-reads an experiment's active scorers on the next batch.
     *
     * @param experimentId the experiment whose scorers changed
     */
    @Override
    public void refreshScorers(String experimentId) {
        states.refresh(experimentId);
    }

    /**
     * Scores the complete traces of a batch (incomplete ones are ignored). A run that ends on a transient failure
     * (rate limit, overload, timeout, connection) or an authentication failure after the immediate retries is
     * deferred to the store's retry queue, not stored as an error; so is a pair of a scorer this process cannot
     * build, and a pair of a paused scorer (it waits for the resume). The batch counts as done once its
     * assessments are stored and its deferred pairs are in the queue: the later attempts are
     * {@link #drainRetries}' work, outside the source's position.
     *
     * @param traces traces, already stored
     * @param listener told of the assessments stored (e.g. to publish them), before the future completes
     * @return a future completed once every assessment of the batch is stored and every deferred pair is durable
     *     (exceptionally if this scorer was closed before that: the source must then not move its position past
     *     the batch)
     */
    @Override
    public CompletableFuture<Void> score(List<Trace> traces, StoredListener listener) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the batch scorer was closed"));
        }
        List<Work> work = new ArrayList<>();
        List<PendingRetry> deferNow = new ArrayList<>();
        Instant now = clock.instant();
        for (Trace t : traces) {
            if (!t.info().state().isComplete()) {
                continue;
            }
            metrics.traceSeen(t.experimentId());
            ScorerInput input = null;
            for (ActiveScorer s : states.active(t.experimentId())) {
                if (states.selects(s, t, sampling)) {
                    if (hasRetryQueue && states.isPaused(s.key())) {
                        deferNow.add(deferrals.whilePaused(s, t.traceId(), states.pauseReason(s.key()), now));
                        continue;
                    }
                    if (hasRetryQueue && s.scorer() instanceof Unavailable u) {
                        deferNow.add(deferrals.unavailableHere(null, s, t.traceId(), u.unavailableReason(), now));
                        continue;
                    }
                    if (input == null) {
                        input = ScorerInput.of(t);
                    }
                    work.add(new Work(-1, null, t, input, s, null));
                }
            }
        }
        work = withoutScored(work);
        if (work.isEmpty() && deferNow.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return runAll(work).thenAccept(ran -> {
            if (!finish(ran, deferNow, listener)) {
                throw new IllegalStateException("closed before the assessments were stored");
            }
        });
    }

    /**
     * Takes due pairs from the store's retry queue and runs them like new work, outside any source position: a
     * pair whose scorer is gone (stopped, deleted, replaced by a newer version) or whose trace is gone, or that is
     * already scored, leaves the queue; one that fails transiently again waits again, longer. Does nothing on a
     * store without a retry queue, or while the in-flight limit is reached.
     *
     * @return how many pairs were taken from the queue
     */
    @Override
    public int drainRetries() {
        return drain().taken();
    }

    /** @param taken pairs claimed @param putBack of those, pairs put back untried (due at once for another process) */
    private record Drained(int taken, int putBack) {}

    private Drained drain() {
        int room = Math.min(256, options.maxInFlight() - inFlight.get());
        if (closed || !hasRetryQueue || room <= 0) {
            return new Drained(0, 0);
        }
        RetryQueue queue = store.retries();
        Instant now = clock.instant();
        Duration holdFor = options.scorerTimeout().multipliedBy(4).plus(options.drainTimeout());
        List<PendingRetry> due = queue.claim(now, room, holdFor);
        if (due.isEmpty()) {
            return new Drained(0, 0);
        }
        RetryTriage.Sorted sorted = triage.sort(queue, due, now);
        List<PendingRetry> back = new ArrayList<>(sorted.back());
        List<Work> todo = new ArrayList<>(sorted.run().size());
        for (RetryTriage.Runnable r : sorted.run()) {
            todo.add(new Work(-1, null, r.trace(), ScorerInput.of(r.trace()), r.scorer(), r.pending()));
        }
        try {
            List<Ran> ran = runAll(todo).join();
            finish(ran, back, a -> { });
        } catch (java.util.concurrent.CompletionException e) {
            // closed meanwhile: the claimed pairs come due again after their hold
            LOG.warn("engine {}: retried pairs not finished: {}", options.engineId(), e.getCause().toString());
        }
        return new Drained(due.size(), back.size());
    }

    /**
     * Starts a background loop calling {@link #drainRetries} (at once after a busy turn, else every
     * {@code pollInterval}) until {@link #close()}; idempotent. A source that feeds this scorer starts it.
     */
    @Override
    public synchronized void startRetries() {
        if (retryLoop != null || closed || !hasRetryQueue) {
            return;
        }
        retryLoop = Thread.ofVirtual().name("vigil-batch-retries").start(() -> {
            long idleMs = Math.max(10, options.pollInterval().toMillis());
            while (!closed) {
                boolean progressed;
                try {
                    Drained d = drain();
                    // pairs only put back (a scorer this process cannot build) are due at once again: wait
                    progressed = d.taken() > d.putBack();
                } catch (RuntimeException e) {
                    LOG.warn("engine {}: draining the retry queue failed (will retry): {}", options.engineId(),
                            e.toString());
                    progressed = false;
                }
                if (!progressed && !closed) {
                    LockSupport.parkNanos(idleMs * 1_000_000L); // close() unparks; no interrupt near the store
                }
            }
        });
    }

    /** Runs the work on the pool, counted in flight; completes with every run's result in order. */
    private CompletableFuture<List<Ran>> runAll(List<Work> work) {
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
    private boolean finish(List<Ran> ran, List<PendingRetry> deferNow, StoredListener listener) {
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

    /** Drops pairs already stored for the same scorer version (a re-delivery after a crash or rebalance). */
    private List<Work> withoutScored(List<Work> work) {
        return ScoredPairs.without(store, work, Work::scorer, Work::trace);
    }

    /** Stops taking batches, waits up to the drain timeout for runs in flight, then interrupts the rest. */
    @Override
    public void close() {
        closed = true;
        Thread loop = retryLoop;
        if (loop != null) {
            LockSupport.unpark(loop);
        }
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
