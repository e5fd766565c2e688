package dev.vigil.core.store.memory;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.support.LockedRollupStore;
import dev.vigil.spi.store.support.RollupRules;
import java.util.function.Supplier;

/**
 * Rollups of a {@link MemoryStore}: a sorted map of rows, changed by the assessment store (each write, under the
 * store's write or shared lock) and the trace store (a trace re-stored in another hour or experiment moves its
 * feedback, under the write lock). Feedback upserts of different traces run side by side under the shared lock, so
 * every change and every read of the rows also holds this store's own monitor ({@code rowsLock}), for the few
 * instructions of a row update. Always ready: it starts empty with the store.
 */
final class MemoryRollupStore extends LockedRollupStore {

    private final MemoryStore store;
    private final Object rowsLock = new Object();

    MemoryRollupStore(MemoryStore store) {
        this.store = store;
    }

    @Override
    protected <T> T read(Supplier<T> body) {
        return store.read(() -> {
            synchronized (rowsLock) {
                return body.get();
            }
        });
    }

    @Override
    public long rebuild(String experimentId) {
        return store.write(() -> {
            if (experimentId != null) {
                store.requireExperiment(experimentId, "the rollup rebuild");
            }
            RollupRules.Accumulator acc = new RollupRules.Accumulator();
            for (Trace t : store.traceStore().allLocked()) {
                if (experimentId == null || experimentId.equals(t.experimentId())) {
                    for (Assessment a : store.assessmentStore().listLocked(t.traceId())) {
                        acc.add(RollupRules.contribution(t.experimentId(), t.info().requestTime(), a));
                    }
                }
            }
            synchronized (rowsLock) {
                return replaceLocked(experimentId, acc.rows());
            }
        });
    }

    /**
     * Call under the store's write or shared lock: adds an assessment's contribution (nothing for one that is not
     * scorer feedback).
     */
    void addLocked(Trace trace, Assessment a) {
        apply(RollupRules.contribution(trace.experimentId(), trace.info().requestTime(), a), 1);
    }

    /** Call under the store's write or shared lock: takes an assessment's contribution out. */
    void subtractLocked(Trace trace, Assessment a) {
        apply(RollupRules.contribution(trace.experimentId(), trace.info().requestTime(), a), -1);
    }

    private void apply(dev.vigil.spi.store.Rollup delta, int sign) {
        if (delta == null) {
            return;
        }
        synchronized (rowsLock) {
            applyLocked(delta, sign);
        }
    }

    /** Call under the write lock: a trace re-stored in another hour or experiment takes its feedback along. */
    void moveLocked(Trace old, Trace now) {
        if (sameRows(old.experimentId(), old.info().requestTime(), now.experimentId(),
                now.info().requestTime())) {
            return;
        }
        for (Assessment a : store.assessmentStore().listLocked(old.traceId())) {
            subtractLocked(old, a);
            addLocked(now, a);
        }
    }
}
