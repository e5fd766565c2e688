package dev.vigil.core.store.memory;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.support.LockedRollupStore;
import dev.vigil.spi.store.support.RollupRules;
import java.util.function.Supplier;

/**
 * Rollups of a {@link MemoryStore}: a sorted map of rows, changed under the store's write lock by the assessment
 * store (each write) and the trace store (a trace re-stored in another hour or experiment moves its feedback).
 * Always ready: it starts empty with the store.
 */
final class MemoryRollupStore extends LockedRollupStore {

    private final MemoryStore store;

    MemoryRollupStore(MemoryStore store) {
        this.store = store;
    }

    @Override
    protected <T> T read(Supplier<T> body) {
        return store.read(body);
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
            return replaceLocked(experimentId, acc.rows());
        });
    }

    /** Call under the write lock: adds an assessment's contribution (nothing for one that is not scorer feedback). */
    void addLocked(Trace trace, Assessment a) {
        applyLocked(RollupRules.contribution(trace.experimentId(), trace.info().requestTime(), a), 1);
    }

    /** Call under the write lock: takes an assessment's contribution out. */
    void subtractLocked(Trace trace, Assessment a) {
        applyLocked(RollupRules.contribution(trace.experimentId(), trace.info().requestTime(), a), -1);
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
