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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the store's trace arrivals for the partitions this engine holds: for each complete, settled trace and each
 * active scorer of its experiment, filters and samples, leaves the pairs of paused or unavailable scorers in the
 * retry queue, drops the pairs already stored, counts the rest as in flight on their partition and dispatches them.
 */
final class ArrivalReader {

    private static final Logger LOG = LoggerFactory.getLogger(ArrivalReader.class);

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
     * Reads one batch of arrivals from the lowest held cursor and dispatches its sampled pairs.
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
                metrics.traceSeen(t.experimentId());
                ScorerInput input = null;
                for (ActiveScorer s : states.active(t.experimentId())) {
                    if (!s.sampling().isActive() || !states.inSnapshot(s)) {
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
            considered = e.sequence();
        }
        if (!deferNow.isEmpty() && !writes.durably("defer " + deferNow.size() + " pair(s) of paused or unavailable "
                + "scorers", () -> store.retries().defer(deferNow))) {
            return false; // closing: nothing read is committed, the arrivals are read again after a restart
        }
        work = withoutScored(work);
        for (Work w : work) {
            w.partition().add(w.seq(), 1);
            metrics.sampled(w.scorer().experimentId(), w.scorer().name());
        }
        for (Partition p : held.values()) {
            synchronized (p) {
                if (considered > p.readUpTo) {
                    p.readUpTo = considered;
                }
            }
        }
        dispatch.accept(work);
        return considered > from;
    }

    /** Drops pairs already stored for the same scorer version (a restart re-reading, a backfill before us). */
    private List<Work> withoutScored(List<Work> work) {
        return ScoredPairs.without(store, work, Work::scorer, Work::trace);
    }
}
