package dev.vigil.core.store.memory;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.support.LockedRollupStore;
import dev.vigil.spi.store.support.RollupRules;
import java.util.HashMap;
import java.util.Map;
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

    /** @return an empty set of changes for one feedback batch */
    Pending pending() {
        return new Pending();
    }

    /**
     * The rollup changes of one feedback batch, summed per row by the writing thread outside the rows' monitor and
     * applied in one short section ({@link #apply}): a batch of the engine touches a few rows many times (one per
     * scorer and hour), so the threads that upsert side by side meet on the monitor once per batch, not once per
     * assessment. Used by one thread.
     */
    final class Pending {
        private final Map<Rollup.Key, Rollup> added = new HashMap<>();
        private final Map<Rollup.Key, Rollup> taken = new HashMap<>();

        private Pending() {}

        /** Adds an assessment's contribution (nothing for one that is not scorer feedback). */
        void add(Trace trace, Assessment a) {
            sum(added, RollupRules.contribution(trace.experimentId(), trace.info().requestTime(), a));
        }

        /** Takes an assessment's contribution out. */
        void subtract(Trace trace, Assessment a) {
            sum(taken, RollupRules.contribution(trace.experimentId(), trace.info().requestTime(), a));
        }

        /** Applies the changes to the rows: the additions first, so a replaced row never passes through empty. */
        void apply() {
            if (added.isEmpty() && taken.isEmpty()) {
                return;
            }
            synchronized (rowsLock) {
                added.values().forEach(r -> applyLocked(r, 1));
                taken.values().forEach(r -> applyLocked(r, -1));
            }
        }

        private static void sum(Map<Rollup.Key, Rollup> into, Rollup delta) {
            if (delta != null) {
                into.merge(delta.key(), delta, Rollup::plus);
            }
        }
    }

    private void apply(Rollup delta, int sign) {
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
