package dev.vigil.core.engine.internal;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
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
 * <p>Thread-safe. Do not run it beside a started {@link MonitoringEngine} on the same traces (they would both
 * score them; idempotent upserts keep one assessment, but the work is done twice).
 */
public final class TraceBatchScorer implements BatchScorer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TraceBatchScorer.class);

    private final Store store;
    private final ActiveScorerSource source;
    private final SamplingDecision sampling;
    private final EngineOptions options;
    private final ScorerRunner runner;
    private final EngineMetrics metrics;
    private final Clock clock;
    private final LongSupplier ticker;
    private final Deferrals deferrals;
    private final DurableWrites writes;
    private final RetryTriage triage;
    private final boolean hasRetryQueue;
    private final ExecutorService pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Loaded> scorers = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile Thread retryLoop;

    private record Loaded(List<ActiveScorer> scorers, long loadedAt) {}

    /** One scorer run to do; {@code retry} is the pair's retry-queue entry when this is a later attempt. */
    private record Work(Trace trace, ScorerInput input, ActiveScorer scorer, PendingRetry retry) {}

    /** What one run produced: feedback to store, or the pair's next retry-queue entry (deferred, not failed). */
    private record Ran(Work work, List<Assessment> assessments, PendingRetry deferred) {}

    /**
     * @param store where assessments are written
     * @param source the active scorers per experiment
     * @param sampling the sampling decision
     * @param options engine options (engine id, scorer timeout, scorer refresh, in-flight limit, retry delays)
     * @param runner runs scorers with retries, timeouts and provider limits
     * @param metrics where to report
     * @param clock assessment times and retry due times
     * @param ticker nanosecond ticker for the scorer refresh
     */
    public TraceBatchScorer(Store store, ActiveScorerSource source, SamplingDecision sampling, EngineOptions options,
            ScorerRunner runner, EngineMetrics metrics, Clock clock, LongSupplier ticker) {
        this.store = store;
        this.source = source;
        this.sampling = sampling;
        this.options = options;
        this.runner = runner;
        this.metrics = metrics;
        this.clock = clock;
        this.ticker = ticker;
        this.deferrals = new Deferrals(options.retryFirstDelay(), options.retryMaxDelay());
        this.hasRetryQueue = hasRetryQueue(store);
        this.writes = new DurableWrites(store, options.engineId(), () -> closed);
        this.triage = new RetryTriage(store, deferrals, this::find, key -> false, options.retryMaxDelay());
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
        scorers.remove(experimentId);
    }

    /**
     * Scores the complete traces of a batch (incomplete ones are ignored). A run that ends on a transient failure
     * (rate limit, overload, timeout, connection) or an authentication failure after the immediate retries is
     * deferred to the store's retry queue, not stored as an error; so is a pair of a scorer this process cannot
     * build. The batch counts as done once its assessments are stored and its deferred pairs are in the queue:
     * the later attempts are {@link #drainRetries}' work, outside the source's position.
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
            for (ActiveScorer s : active(t.experimentId())) {
                if (!s.sampling().isActive()) {
                    continue;
                }
                boolean match;
                try {
                    match = s.filter().test(t);
                } catch (RuntimeException ex) {
                    LOG.warn("filter of scorer {} failed on trace {}: {}", s.key(), t.traceId(), ex.toString());
                    match = false;
                }
                if (match && sampling.keep(t.traceId(), s.name(), s.sampling().sampleRate())) {
                    if (hasRetryQueue && s.scorer() instanceof Unavailable u) {
                        deferNow.add(deferrals.unavailableHere(null, s, t.traceId(), u.unavailableReason(), now));
                        continue;
                    }
                    if (input == null) {
                        input = ScorerInput.of(t);
                    }
                    work.add(new Work(t, input, s, null));
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
            todo.add(new Work(r.trace(), ScorerInput.of(r.trace()), r.scorer(), r.pending()));
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

    private ActiveScorer find(PendingRetry p) {
        for (ActiveScorer s : active(p.experimentId())) {
            if (s.name().equals(p.scorerName()) && s.version() == p.scorerVersion() && s.sampling().isActive()) {
                return s;
            }
        }
        return null;
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

    private Ran run(Work w) {
        ActiveScorer s = w.scorer();
        Outcome o = runner.run(s.scorer(), s.name(), w.input(), options.scorerTimeout());
        AssessmentError error = o.failed() ? o.failure() : o.feedback().stream()
                .filter(Feedback::isError).map(Feedback::error).findFirst().orElse(null);
        if (error != null) {
            metrics.failed(s.experimentId(), s.name(), error.code());
        } else {
            metrics.scored(s.experimentId(), s.name(), o.durationNanos());
        }
        Instant now = clock.instant();
        if (hasRetryQueue && (o.transientFailure() || o.authFailure())) {
            // deferred, not failed: the pair waits in the retry queue, no error assessment
            return new Ran(w, List.of(), deferrals.afterFailure(w.retry(), s, w.trace().traceId(), o.kind(),
                    o.failure().message(), false, now));
        }
        List<Assessment> out = new ArrayList<>(o.feedback().size());
        for (Feedback f : o.feedback()) {
            out.add(FeedbackAssessment.of(f, s.scorer(), s.name(), s.version(), w.trace().traceId(),
                    o.durationNanos(), s.sampling().sampleRate(), now));
        }
        return new Ran(w, out, null);
    }

    /**
     * Stores the runs' feedback, then puts the deferred pairs in the retry queue, then takes the retried pairs that
     * ended (scored or failed for good) out of it.
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
        for (Ran r : ran) {
            Work w = r.work();
            if (w.retry() != null && r.deferred() == null) {
                try {
                    store.retries().remove(w.trace().traceId(), w.scorer().name(), w.scorer().version());
                } catch (RuntimeException e) {
                    // it comes due again later and is then found scored and dropped
                    LOG.warn("engine {}: cannot remove a retried pair from the retry queue: {}",
                            options.engineId(), e.toString());
                }
            }
        }
        if (!stored.isEmpty()) {
            listener.stored(List.copyOf(stored));
        }
        return true;
    }

    private List<ActiveScorer> active(String experimentId) {
        Loaded l = scorers.get(experimentId);
        if (l == null || ticker.getAsLong() - l.loadedAt() > options.scorerRefresh().toNanos()) {
            List<ActiveScorer> list;
            try {
                list = List.copyOf(source.active(experimentId));
            } catch (RuntimeException e) {
                LOG.warn("engine {}: cannot read the scorers of experiment {}: {}", options.engineId(),
                        experimentId, e.toString());
                list = l == null ? List.of() : l.scorers();
            }
            l = new Loaded(list, ticker.getAsLong());
            scorers.put(experimentId, l);
        }
        return l.scorers();
    }

    /** Drops pairs already stored for the same scorer version (a re-delivery after a crash or rebalance). */
    private List<Work> withoutScored(List<Work> work) {
        return ScoredPairs.without(store, work, Work::scorer, w -> w.trace().traceId());
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
