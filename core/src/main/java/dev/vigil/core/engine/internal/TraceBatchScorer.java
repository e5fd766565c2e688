package dev.vigil.core.engine.internal;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import dev.vigil.core.engine.BatchScorer;
import dev.vigil.core.engine.EngineOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    private final Store store;
    private final ScorerStates states;
    private final SamplingDecision sampling;
    private final EngineOptions options;
    private final EngineMetrics metrics;
    private final Clock clock;
    private final Deferrals deferrals;
    private final boolean hasRetryQueue;
    private final BatchRuns runs;
    private final BatchRetries retries;
    private volatile boolean closed;

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
        this.metrics = metrics;
        this.clock = clock;
        this.deferrals = new Deferrals(options.retryFirstDelay(), options.retryMaxDelay());
        this.hasRetryQueue = hasRetryQueue(store);
        RunRecorder recorder = new RunRecorder(store, metrics, engine.runTracker(), options.engineId());
        DurableWrites writes = new DurableWrites(store, options.engineId(), () -> closed);
        this.runs = new BatchRuns(store, states, options, runner, metrics, recorder, clock, deferrals, writes,
                hasRetryQueue);
        RetryTriage triage = new RetryTriage(store, deferrals, states::find, states::isPaused,
                options.retryMaxDelay());
        this.retries = new BatchRetries(store, options, clock, triage, runs, hasRetryQueue, () -> closed);
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
        return runs.inFlight();
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
        return runs.runAll(work).thenAccept(ran -> {
            if (!runs.finish(ran, deferNow, listener)) {
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
        return retries.drain().taken();
    }

    /**
     * Starts a background loop calling {@link #drainRetries} (at once after a busy turn, else every
     * {@code pollInterval}) until {@link #close()}; idempotent. A source that feeds this scorer starts it.
     */
    @Override
    public void startRetries() {
        retries.start();
    }

    /** Drops pairs already stored for the same scorer version (a re-delivery after a crash or rebalance). */
    private List<Work> withoutScored(List<Work> work) {
        return ScoredPairs.without(store, work, Work::scorer, Work::trace);
    }

    /** Stops taking batches, waits up to the drain timeout for runs in flight, then interrupts the rest. */
    @Override
    public void close() {
        closed = true;
        retries.wake();
        runs.close();
    }
}
