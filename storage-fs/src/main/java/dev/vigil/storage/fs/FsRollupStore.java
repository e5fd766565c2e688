package dev.vigil.storage.fs;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.RollupStore;
import dev.vigil.spi.store.support.RollupRules;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.TreeMap;

/**
 * Rollups of a {@link FileStore}: derived state kept in memory beside the assessments, like the store's other
 * indexes. Built as the assessment log is replayed at open (traces are indexed first), then changed under the write
 * lock by every assessment write and by a trace re-stored in another hour or experiment. Nothing is written to disk:
 * the log is the truth, so the rollups are always ready.
 */
final class FsRollupStore implements RollupStore {

    private final FileStore store;
    private final TreeMap<Rollup.Key, Rollup> rows = new TreeMap<>();

    FsRollupStore(FileStore store) {
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
            Rollup.Key lo = new Rollup.Key(experimentId, scorerName, Integer.MIN_VALUE, from, "", Rollup.NO_RATE);
            Rollup.Key hi = new Rollup.Key(experimentId, scorerName, Integer.MIN_VALUE, to, "", Rollup.NO_RATE);
            return List.copyOf(rows.subMap(lo, true, hi, false).values());
        });
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public long rebuild(String experimentId) {
        store.lock.writeLock().lock(); // derived state only: allowed on a read-only store too
        try {
            if (experimentId != null) {
                store.requireExperiment(experimentId, "the rollup rebuild");
            }
            rows.keySet().removeIf(k -> experimentId == null || k.experimentId().equals(experimentId));
            RollupRules.Accumulator acc = new RollupRules.Accumulator();
            for (Assessment a : store.assessments.allLocked()) {
                TraceRef ref = store.traces.refLocked(a.traceId());
                if (ref != null && (experimentId == null || experimentId.equals(ref.experimentId()))) {
                    acc.add(RollupRules.contribution(ref.experimentId(), ref.requestTime(), a));
                }
            }
            List<Rollup> built = acc.rows();
            built.forEach(r -> rows.put(r.key(), r));
            return built.size();
        } finally {
            store.lock.writeLock().unlock();
        }
    }

    /** Under the write lock: adds (sign 1) or takes out (sign -1) an assessment's share, if its trace is known. */
    void applyLocked(Assessment a, int sign) {
        TraceRef ref = store.traces.refLocked(a.traceId());
        if (ref != null) {
            apply(RollupRules.contribution(ref.experimentId(), ref.requestTime(), a), sign);
        }
    }

    /** Under the write lock, before a trace's ref is replaced: its feedback follows it to another hour. */
    void moveLocked(TraceRef old, TraceRef now) {
        if (old.experimentId().equals(now.experimentId()) && old.requestTime().truncatedTo(ChronoUnit.HOURS)
                .equals(now.requestTime().truncatedTo(ChronoUnit.HOURS))) {
            return;
        }
        for (Assessment a : store.assessments.listLocked(old.traceId())) {
            apply(RollupRules.contribution(old.experimentId(), old.requestTime(), a), -1);
            apply(RollupRules.contribution(now.experimentId(), now.requestTime(), a), 1);
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
