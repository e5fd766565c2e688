package dev.vigil.storage.fs;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.store.support.LockedRollupStore;
import dev.vigil.spi.store.support.RollupRules;
import java.util.function.Supplier;

/**
 * Rollups of a {@link FileStore}: derived state kept in memory beside the assessments, like the store's other
 * indexes. Built as the assessment log is replayed at open (traces are indexed first), then changed under the write
 * lock by every assessment write and by a trace re-stored in another hour or experiment. Nothing is written to disk:
 * the log is the truth, so the rollups are always ready.
 */
final class FsRollupStore extends LockedRollupStore {

    private final FileStore store;

    FsRollupStore(FileStore store) {
        this.store = store;
    }

    @Override
    protected <T> T read(Supplier<T> body) {
        return store.read(body);
    }

    @Override
    public long rebuild(String experimentId) {
        store.lock.writeLock().lock(); // derived state only: allowed on a read-only store too
        try {
            if (experimentId != null) {
                store.requireExperiment(experimentId, "the rollup rebuild");
            }
            RollupRules.Accumulator acc = new RollupRules.Accumulator();
            for (Assessment a : store.assessments.allLocked()) {
                TraceRef ref = store.traces.refLocked(a.traceId());
                if (ref != null && (experimentId == null || experimentId.equals(ref.experimentId()))) {
                    acc.add(RollupRules.contribution(ref.experimentId(), ref.requestTime(), a));
                }
            }
            return replaceLocked(experimentId, acc.rows());
        } finally {
            store.lock.writeLock().unlock();
        }
    }

    /** Under the write lock: adds (sign 1) or takes out (sign -1) an assessment's share, if its trace is known. */
    void applyLocked(Assessment a, int sign) {
        TraceRef ref = store.traces.refLocked(a.traceId());
        if (ref != null) {
            applyLocked(RollupRules.contribution(ref.experimentId(), ref.requestTime(), a), sign);
        }
    }

    /** Under the write lock, before a trace's ref is replaced: its feedback follows it to another hour. */
    void moveLocked(TraceRef old, TraceRef now) {
        if (sameRows(old.experimentId(), old.requestTime(), now.experimentId(), now.requestTime())) {
            return;
        }
        for (Assessment a : store.assessments.listLocked(old.traceId())) {
            applyLocked(RollupRules.contribution(old.experimentId(), old.requestTime(), a), -1);
            applyLocked(RollupRules.contribution(now.experimentId(), now.requestTime(), a), 1);
        }
    }
}
