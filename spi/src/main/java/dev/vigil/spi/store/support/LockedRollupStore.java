package dev.vigil.spi.store.support;

import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.RollupStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A {@link RollupStore} whose rows are derived state kept in memory beside the assessments, guarded by the store's
 * read/write lock (the memory store; the file store, whose assessment log is the truth): a sorted map of rows by
 * key, changed by each assessment's contribution ({@link RollupRules#contribution}). Always ready. A backend
 * supplies its read lock and its rebuild (which reads its own traces and assessments) and calls
 * {@link #applyLocked} on every assessment write.
 */
public abstract class LockedRollupStore implements RollupStore {

    private final TreeMap<Rollup.Key, Rollup> rows = new TreeMap<>();

    /** For subclasses. */
    protected LockedRollupStore() {}

    /**
     * @param body what to read
     * @param <T> the result type
     * @return its result, run under the store's read lock
     */
    protected abstract <T> T read(Supplier<T> body);

    @Override
    public List<Rollup> hourly(String experimentId, String scorerName, Instant from, Instant to) {
        RollupRules.checkQuery(experimentId, scorerName, from, to);
        return read(() -> {
            Rollup.Key lo = new Rollup.Key(experimentId, scorerName, Integer.MIN_VALUE, from, "", Rollup.NO_RATE);
            Rollup.Key hi = new Rollup.Key(experimentId, scorerName, Integer.MIN_VALUE, to, "", Rollup.NO_RATE);
            return List.copyOf(rows.subMap(lo, true, hi, false).values());
        });
    }

    @Override
    public boolean ready() {
        return true;
    }

    /**
     * Adds (sign 1) or takes out (sign -1) one contribution; a row whose count falls to 0 goes. Call under the
     * write lock.
     *
     * @param delta an assessment's contribution, or null (nothing)
     * @param sign 1 or -1
     */
    protected final void applyLocked(Rollup delta, int sign) {
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

    /**
     * Replaces the rows of one experiment (or all) by rebuilt ones. Call under the write lock.
     *
     * @param experimentId the experiment, or null for every one
     * @param built the rebuilt rows of that scope
     * @return how many rows were built
     */
    protected final long replaceLocked(String experimentId, List<Rollup> built) {
        rows.keySet().removeIf(k -> experimentId == null || k.experimentId().equals(experimentId));
        built.forEach(r -> rows.put(r.key(), r));
        return built.size();
    }

    /**
     * @param oldExperiment a trace's experiment before it was stored again
     * @param oldTime its request time before
     * @param newExperiment its experiment now
     * @param newTime its request time now
     * @return true if its feedback stays in the same rows (same experiment, same UTC hour)
     */
    protected static boolean sameRows(String oldExperiment, Instant oldTime, String newExperiment, Instant newTime) {
        return oldExperiment.equals(newExperiment)
                && oldTime.truncatedTo(ChronoUnit.HOURS).equals(newTime.truncatedTo(ChronoUnit.HOURS));
    }
}
