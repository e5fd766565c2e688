package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.RollupStore;
import dev.vigil.spi.store.support.RollupRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Rollups of a {@link MemoryStore}: a sorted map of rows, changed under the store's write lock by the assessment
 * store (each write) and the trace store (a trace re-stored in another hour or experiment moves its feedback).
 * Always ready: it starts empty with the store.
 */
final class MemoryRollupStore implements RollupStore {

    private final MemoryStore store;
    private final TreeMap<Rollup.Key, Rollup> rows = new TreeMap<>();

    MemoryRollupStore(MemoryStore store) {
        this.store = store;
    }

    @Override
    public List<Rollup> hourly(String experimentId, String scorerName, Instant from, Instant to) {
        if (experimentId == null || scorerName == null) {
            throw new InvalidInputException("rollups need an experiment id and a scorer name, got " + experimentId
                    + " and " + scorerName);
        }
        RollupRules.checkHours(from, to);
        return store.read(() -> {
            List<Rollup> out = new ArrayList<>();
            Rollup.Key lo = new Rollup.Key(experimentId, scorerName, Integer.MIN_VALUE, from, "", Rollup.NO_RATE);
            Rollup.Key hi = new Rollup.Key(experimentId, scorerName, Integer.MIN_VALUE, to, "", Rollup.NO_RATE);
            out.addAll(rows.subMap(lo, true, hi, false).values());
            return List.copyOf(out);
        });
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public long rebuild(String experimentId) {
        return store.write(() -> {
            if (experimentId != null) {
                store.requireExperiment(experimentId, "the rollup rebuild");
            }
            rows.keySet().removeIf(k -> experimentId == null || k.experimentId().equals(experimentId));
            RollupRules.Accumulator acc = new RollupRules.Accumulator();
            for (Trace t : store.traceStore().allLocked()) {
                if (experimentId == null || experimentId.equals(t.experimentId())) {
                    for (Assessment a : store.assessmentStore().listLocked(t.traceId())) {
                        acc.add(RollupRules.contribution(t.experimentId(), t.info().requestTime(), a));
                    }
                }
            }
            List<Rollup> built = acc.rows();
            built.forEach(r -> rows.put(r.key(), r));
            return (long) built.size();
        });
    }

    /** Call under the write lock: adds an assessment's contribution (nothing for one that is not scorer feedback). */
    void addLocked(Trace trace, Assessment a) {
        apply(RollupRules.contribution(trace.experimentId(), trace.info().requestTime(), a), 1);
    }

    /** Call under the write lock: takes an assessment's contribution out. */
    void subtractLocked(Trace trace, Assessment a) {
        apply(RollupRules.contribution(trace.experimentId(), trace.info().requestTime(), a), -1);
    }

    /** Call under the write lock: a trace re-stored in another hour or experiment takes its feedback along. */
    void moveLocked(Trace old, Trace now) {
        if (old.experimentId().equals(now.experimentId()) && old.info().requestTime().truncatedTo(
                java.time.temporal.ChronoUnit.HOURS).equals(now.info().requestTime().truncatedTo(
                        java.time.temporal.ChronoUnit.HOURS))) {
            return;
        }
        for (Assessment a : store.assessmentStore().listLocked(old.traceId())) {
            subtractLocked(old, a);
            addLocked(now, a);
        }
    }

    private void apply(Rollup delta, int sign) {
        if (delta == null) {
            return;
        }
        Rollup old = rows.getOrDefault(delta.key(), Rollup.empty(delta.key()));
        Rollup now = sign > 0 ? old.plus(delta) : old.minus(delta);
        if (now.count() <= 0) {
            rows.remove(delta.key());
        } else {
            rows.put(delta.key(), now);
        }
    }
}
