package dev.vigil.core.engine.internal;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.core.engine.EngineOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the store's trace arrivals for the partitions this engine holds: for each complete, settled trace and each
 * active scorer of its experiment, filters and samples, leaves the pairs of paused or unavailable scorers in the
 * retry queue, drops the pairs already stored, counts the rest as in flight on their partition and dispatches them.
 */
final class ArrivalReader {


    /** Pairs dispatched per slice of a batch, at the least (unless the batch ends first). */
    static final int SLICE_PAIRS = 256;
    /** Traces per slice of a batch, at the least: bounds the already-scored queries (one per scorer per slice). */
    static final int SLICE_TRACES = 64;

    private final Store store;
    private final PartitionTable table;
    private final ScorerStates states;
    private final SamplingDecision sampling;
    private final Deferrals deferrals;
    private final DurableWrites writes;
    private final EngineMetrics metrics;
    private final EngineOptions options;
    private final Clock clock;
    private final Consumer<List<Work>> dispatch;
    private volatile long maxSequenceSeen;

    ArrivalReader(Store store, PartitionTable table, ScorerStates states, SamplingDecision sampling,
            Deferrals deferrals, DurableWrites writes, EngineMetrics metrics, EngineOptions options, Clock clock,
            Consumer<List<Work>> dispatch) {
        this.store = store;
        this.table = table;
        this.states = states;
        this.sampling = sampling;
        this.deferrals = deferrals;
        this.writes = writes;
        this.metrics = metrics;
        this.options = options;
        this.clock = clock;
        this.dispatch = dispatch;
    }

    /** @return the highest arrival sequence number read so far */
    long maxSequenceSeen() {
        return maxSequenceSeen;
    }

    /**
     * Reads one batch of arrivals from the lowest held cursor and dispatches its sampled pairs. The pairs go out
     * in slices as they are found ({@link #SLICE_PAIRS} pairs, at least {@link #SLICE_TRACES} traces), so the pool
     * scores the first ones while the rest of the batch is still being read.
     *
     * @return true if the read moved on
     */
    boolean readOnce() {
        Map<Integer, Partition> held = table.held();
        if (held.isEmpty()) {
            return false;
        }
        long from = table.lowestReadPosition();
        List<TailEntry> entries = store.traces().tail(from, options.batchSize());
        if (entries.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        long considered = from;
        List<Work> work = new ArrayList<>();
        List<PendingRetry> deferNow = new ArrayList<>();
        int partitions = options.partitions();
        int tracesInSlice = 0;
        for (TailEntry e : entries) {
            maxSequenceSeen = Math.max(maxSequenceSeen, e.sequence());
            Trace t = e.trace();
            Partition p = held.get(PartitionTable.partitionOf(t.traceId(), partitions));
            boolean mine;
            if (p == null) {
                mine = false;
            } else {
                synchronized (p) {
                    mine = e.sequence() > p.readUpTo;
                }
            }
            if (mine && t.info().state().isComplete()) {
                if (!options.settleDelay().isZero()) {
                    Instant end = t.info().requestTime().plusMillis(
                            t.info().executionDurationMs() == null ? 0 : t.info().executionDurationMs());
                    if (end.plus(options.settleDelay()).isAfter(now)) {
                        break; // not settled yet: stop here, the cursor waits for it
                    }
                }
                pairsOf(e, t, p, now, work, deferNow);
                if (++tracesInSlice >= SLICE_TRACES && work.size() >= SLICE_PAIRS) {
                    if (!send(work, deferNow)) {
                        return false;
                    }
                    work = new ArrayList<>();
                    deferNow = new ArrayList<>();
                    tracesInSlice = 0;
                }
            }
            considered = e.sequence();
        }
        if (!send(work, deferNow)) {
            return false;
        }
        for (Partition p : held.values()) {
            synchronized (p) {
                if (considered > p.readUpTo) {
                    p.readUpTo = considered;
                }
            }
        }
        return considered > from;
    }

    /** Adds the trace's sampled pairs to {@code work}, those of paused or unavailable scorers to {@code deferNow}. */
    private void pairsOf(TailEntry e, Trace t, Partition p, Instant now, List<Work> work,
            List<PendingRetry> deferNow) {
        metrics.traceSeen(t.experimentId());
        ScorerInput input = null;
        for (ActiveScorer s : states.active(t.experimentId())) {
            if (states.selects(s, t, sampling)) {
                if (states.isPaused(s.key())) {
                    deferNow.add(deferrals.whilePaused(s, t.traceId(), states.pauseReason(s.key()), now));
                    continue;
                }
                if (s.scorer() instanceof Unavailable u) {
                    deferNow.add(deferrals.unavailableHere(null, s, t.traceId(), u.unavailableReason(), now));
                    continue;
                }
                if (input == null) {
                    input = ScorerInput.of(t);
                }
                work.add(new Work(e.sequence(), p, t, input, s, null));
            }
        }
    }

    /**
     * Defers a slice's pairs of paused or unavailable scorers, drops its pairs already stored, counts the rest in
     * flight on their partitions and dispatches them.
     *
     * @return false if the engine is closing and the deferrals could not be written (nothing of the slice sent; the
     *     batch is not marked read, so its arrivals are read again after a restart)
     */
    private boolean send(List<Work> work, List<PendingRetry> deferNow) {
        if (!deferNow.isEmpty() && !writes.durably("defer " + deferNow.size() + " pair(s) of paused or unavailable "
                + "scorers", () -> store.retries().defer(deferNow))) {
            return false;
        }
        if (work.isEmpty()) {
            return true;
        }
        List<Work> toRun = withoutScored(work);
        for (Work w : toRun) {
            w.partition().add(w.seq(), 1);
            metrics.sampled(w.scorer().experimentId(), w.scorer().name());
        }
        dispatch.accept(toRun);
        return true;
    }

    /** Drops pairs already stored for the same scorer version (a restart re-reading, a backfill before us). */
    private List<Work> withoutScored(List<Work> work) {
        return ScoredPairs.without(store, work, Work::scorer, Work::trace);
    }
}
