package dev.vigil.core.engine.internal;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.spi.store.Store;
import dev.vigil.core.engine.Engine;
import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.engine.RunStats;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.ScorerStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitoring engine: tails the store's trace arrivals from a durable cursor and, for each complete trace and
 * each active scorer of its experiment, filters, samples, runs the scorer and upserts its feedback.
 *
 * <h2>Exactly once</h2>
 * The stream is split into partitions by trace id; an engine works on the partitions whose lease it holds, each
 * with its own durable cursor, written with the lease's fencing token (the membership protocol:
 * {@link PartitionTable}). A partition's cursor only moves past an arrival once every scorer run for it has been
 * stored or deferred to the retry queue, so a crash re-reads at most the arrivals in flight. Re-read pairs that
 * were already stored are skipped ({@code tracesScoredBy}), and a pair scored twice in a race (a lease handover) is
 * still stored once, since feedback is upserted by (trace, name, scorer, version).
 *
 * <h2>Execution</h2>
 * CPU-bound scorers run in chunks on a bounded pool; I/O-bound scorers run one per virtual thread behind their
 * provider's gate (see {@link ScorerRunner}); results are settled by {@link WorkRunner}. At most
 * {@code maxInFlight} runs are admitted: past that the reader waits, the cursor lags, and nothing is dropped.
 * Pairs deferred after a transient failure come back through {@link RetryDrain}.
 *
 * <p>Parts: {@link PartitionTable} (leases, cursors, partition count), {@link ArrivalReader} (reading, filtering,
 * sampling), {@link Dispatcher} (hand-off to the pools, back-pressure), {@link ScorerStates} (active scorers,
 * pauses), {@link WorkRunner} (running and settling pairs), {@link RetryDrain} (the retry queue),
 * {@link DurableWrites} (store writes retried until they succeed), {@link LoopSignal} (the loop's wait). This
 * class runs the tail loop, answers the {@link Engine} queries and closes.
 */
public final class MonitoringEngine implements Engine, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringEngine.class);

    private final Store store;
    private final EngineOptions options;
    private final EngineMetrics metrics;

    private final Dispatcher dispatcher;
    private final LoopSignal signal;
    private final RunTracker tracker = new RunTracker();
    private final Deferrals deferrals;
    private final PartitionTable table;
    private final ScorerStates states;
    private final DurableWrites writes;
    private final WorkRunner works;
    private final RetryDrain retries;
    private final ArrivalReader reader;
    private volatile boolean stopping;
    private volatile long closeDeadline = Long.MAX_VALUE;
    private volatile Thread loop;

    /**
     * @param store the store to tail and write to
     * @param source the active scorers per experiment
     * @param sampling the sampling decision
     * @param options how to run
     * @param runner runs scorers with retries, timeouts and provider limits
     * @param metrics where to report
     * @param clock the clock (settle delay, assessment times)
     * @param ticker nanosecond ticker for lease renewal and scorer refresh timing
     */
    public MonitoringEngine(Store store, ActiveScorerSource source, SamplingDecision sampling, EngineOptions options,
            ScorerRunner runner, EngineMetrics metrics, Clock clock, LongSupplier ticker) {
        this.store = store;
        this.options = options;
        this.metrics = metrics;
        this.signal = new LoopSignal(() -> stopping);
        this.dispatcher = new Dispatcher(options, this::runChunk, this::wakeUp);
        this.deferrals = new Deferrals(options.retryFirstDelay(), options.retryMaxDelay());
        this.table = new PartitionTable(store, options, ticker);
        this.states = new ScorerStates(source, options, clock, ticker);
        this.writes = new DurableWrites(store, options.engineId(),
                () -> stopping && System.nanoTime() - closeDeadline > 0);
        this.works = new WorkRunner(store, runner, states, deferrals, writes, tracker, metrics, options, clock,
                () -> stopping, dispatcher::finished);
        this.reader = new ArrivalReader(store, table, states, sampling, deferrals, writes, metrics, options, clock,
                dispatcher::dispatch);
        this.retries = new RetryDrain(store, states, deferrals, options, clock, dispatcher::dispatch);
        metrics.bindGauges(this::queueDepth, this::cursorLag);
    }

    /**
     * Starts tailing in the background; idempotent.
     *
     * @throws IllegalStateException if the engine was closed, or the store splits the trace stream into another
     *     number of partitions than this engine was configured with
     */
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        if (stopping) {
            throw new IllegalStateException("the engine was closed; build a new one");
        }
        table.checkPartitionCount();
        loop = Thread.ofPlatform().name("vigil-engine-" + options.engineId()).daemon()
                .start(new TailLoop(table, reader, retries, signal, metrics, options, () -> stopping));
    }

    /**
     * Changes the stored partition count of a store's trace stream, carrying the cursors over: every new
     * partition starts at the lowest old cursor, so nothing is skipped, and arrivals read again are not scored
     * again (their pairs are stored already). Refused while any engine holds a partition.
     *
     * @param store the store
     * @param partitions the new count, 1 or more
     * @param owner an id for the leases taken while changing it
     * @return the previous count (the new one when none was stored)
     * @throws IllegalStateException if an engine holds a partition now
     */
    public static int changePartitionCount(Store store, int partitions, String owner) {
        return PartitionTable.changePartitionCount(store, partitions, owner);
    }

    /** @return what this engine saw of each scorer version's runs since it started */
    @Override
    public Map<ScorerKey, RunStats> runStats() {
        return tracker.snapshot();
    }

    /**
     * Whether the engine has caught up: every arrival in the store is read and every run admitted is stored (or
     * deferred to the retry queue). Pairs waiting in the retry queue do not count.
     *
     * @return true if idle now
     */
    @Override
    public boolean isIdle() {
        if (!isRunning() || dispatcher.running() > 0) {
            return false;
        }
        Map<Integer, Partition> held = table.held();
        if (held.isEmpty()) {
            return false;
        }
        for (Partition p : held.values()) {
            if (!p.settled()) {
                return false;
            }
        }
        return store.traces().tail(table.lowestReadPosition(), 1).isEmpty();
    }

    /** @return true once started and not closed */
    @Override
    public boolean isRunning() {
        return loop != null && !stopping;
    }

    /** Tells the engine new traces were stored (skips the poll wait). */
    @Override
    public void wakeUp() {
        signal.signal();
    }

    /**
     * Re-reads an experiment's active scorers now: a scorer stopped or deleted gets no new work from this call
     * on.
     *
     * @param experimentId the experiment whose scorers changed
     */
    @Override
    public void refreshScorers(String experimentId) {
        states.refresh(experimentId);
    }

    /** @return each scorer version's run status (PAUSED ones with their reason) */
    @Override
    public Map<ScorerKey, ScorerStatus> statuses() {
        return states.statuses();
    }

    /**
     * Resumes a paused scorer version (after its credentials were fixed): its pairs waiting in the retry queue are
     * due at once.
     *
     * @param key the scorer version
     * @return true if it was paused
     */
    @Override
    public boolean resume(ScorerKey key) {
        boolean wasPaused = states.clearPause(key);
        if (wasPaused) {
            retries.makeDue(key);
            wakeUp();
        }
        return wasPaused;
    }

    /** @return scorer runs admitted and not yet finished */
    @Override
    public long queueDepth() {
        return dispatcher.running();
    }

    /** @return how far the durable cursors are behind the newest arrival read (in arrival sequence numbers) */
    @Override
    public long cursorLag() {
        long lag = 0;
        for (Partition p : table.held().values()) {
            long c;
            synchronized (p) {
                c = p.committed;
            }
            lag = Math.max(lag, reader.maxSequenceSeen() - c);
        }
        return lag;
    }

    /** @return the partitions this engine holds now */
    @Override
    public Set<Integer> heldPartitions() {
        return Set.copyOf(table.held().keySet());
    }

    /**
     * @param partitions the partition count
     * @param partition a partition
     * @return the name of its durable cursor
     */
    public static String cursorName(int partitions, int partition) {
        return PartitionTable.cursorName(partitions, partition);
    }

    /**
     * @param traceId a trace id
     * @param partitions the partition count
     * @return its partition
     */
    public static int partitionOf(String traceId, int partitions) {
        return PartitionTable.partitionOf(traceId, partitions);
    }

    /** @return the committed cursor of each held partition */
    @Override
    public Map<Integer, Long> committedCursors() {
        return table.committedCursors();
    }

    /**
     * Stops reading, waits up to the drain timeout for scorer runs in flight, saves the cursors and gives up the
     * leases. Runs not finished by then are scored again after a restart (their cursor was not moved past them).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        closeDeadline = System.nanoTime() + options.drainTimeout().toNanos();
        wakeUp();
        Thread t = loop;
        if (t != null) {
            try {
                t.join(options.drainTimeout().toMillis() + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        dispatcher.shutdown(closeDeadline);
        try {
            table.releaseAll();
        } catch (RuntimeException e) {
            LOG.warn("engine {}: could not save cursors or release leases on close: {}", options.engineId(),
                    e.toString());
        }
        table.held().clear();
    }

    private void runChunk(List<Work> chunk) {
        works.runAll(chunk);
    }

    /** @return the store this engine tails and writes to */
    Store store() {
        return store;
    }

    /** @return the engine options */
    EngineOptions options() {
        return options;
    }

    /** @return the active scorers and pauses, shared with a {@link TraceBatchScorer} built on this engine */
    ScorerStates scorerStates() {
        return states;
    }

    /** @return the run statistics, shared with a {@link TraceBatchScorer} built on this engine */
    RunTracker runTracker() {
        return tracker;
    }

    /** @return the traces pending per partition, for diagnostics */
    Map<Integer, Integer> pendingCounts() {
        Map<Integer, Integer> out = new TreeMap<>();
        for (Partition p : table.held().values()) {
            out.put(p.id, p.inFlight());
        }
        return out;
    }
}
