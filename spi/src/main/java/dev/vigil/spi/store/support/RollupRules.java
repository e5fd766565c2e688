package dev.vigil.spi.store.support;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.ScoredValue;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules every store keeps its {@link dev.vigil.spi.store.RollupStore rollups} by: which feedback counts, into
 * which row, as what; and an {@link Accumulator} of rows. The classification is the one of the core aggregator:
 * booleans and "yes"/"no" are pass/fail (and 1/0 numbers), finite numbers are numbers, other strings are
 * categories, anything else is only counted.
 */
public final class RollupRules {

    /** Metadata key of the sample rate a scorer ran at (as the engine records it). */
    public static final String METADATA_SAMPLE_RATE = "vigil.sampling.rate";

    private RollupRules() {}

    /**
     * @param experimentId the experiment of the assessment's trace
     * @param traceTime the trace's request time
     * @param a an assessment
     * @return the row holding only this assessment, or null if it is not current scorer feedback (no scorer name
     *     in its metadata, an expectation, or a row kept as history with {@code valid=false}: a re-scored trace or
     *     a re-scored session counts once, by its latest result)
     */
    public static Rollup contribution(String experimentId, Instant traceTime, Assessment a) {
        if (!(a.value() instanceof FeedbackValue f) || a.scorerName() == null || !a.valid()) {
            return null;
        }
        Rollup.Key key = new Rollup.Key(experimentId, a.scorerName(), a.scorerVersion(),
                traceTime.truncatedTo(ChronoUnit.HOURS), a.name(), rateOf(a));
        if (f.isError()) {
            return new Rollup(key, 1, 1, 0, 0, 0, 0, 0, Map.of());
        }
        Object v = f.value();
        Boolean pass = passOf(v);
        if (pass != null) {
            double x = pass ? 1 : 0;
            return new Rollup(key, 1, 0, 1, x, x, 1, pass ? 1 : 0, Map.of());
        }
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            double x = n.doubleValue();
            return new Rollup(key, 1, 0, 1, x, x * x, 0, 0, Map.of());
        }
        if (v instanceof String s) {
            return new Rollup(key, 1, 0, 0, 0, 0, 0, 0, Map.of(s, 1L));
        }
        return new Rollup(key, 1, 0, 0, 0, 0, 0, 0, Map.of());
    }

    /**
     * @param a an assessment
     * @return the sample rate recorded on it, or {@link Rollup#NO_RATE} if none (or one outside (0, 1])
     */
    public static double rateOf(Assessment a) {
        String r = a.metadata().get(METADATA_SAMPLE_RATE);
        if (r != null) {
            try {
                double d = Double.parseDouble(r);
                if (d > 0 && d <= 1) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // no usable rate
            }
        }
        return Rollup.NO_RATE;
    }

    /**
     * @param v a feedback value
     * @return true/false for a boolean or a yes/no string, else null
     */
    public static Boolean passOf(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("yes")) {
                return true;
            }
            if (t.equals("no")) {
                return false;
            }
        }
        return null;
    }

    /**
     * @param experimentId the experiment the values are from
     * @param values scorer feedback with trace times (from {@code valuesByScorer})
     * @return the rows they sum to, in key order
     */
    public static List<Rollup> of(String experimentId, List<ScoredValue> values) {
        Accumulator acc = new Accumulator();
        for (ScoredValue v : values) {
            acc.add(contribution(experimentId, v.traceTime(), v.assessment()));
        }
        return acc.rows();
    }

    /**
     * Checks a query's arguments (before taking the store's lock).
     *
     * @param experimentId the experiment
     * @param scorerName the scorer
     * @param from the first hour
     * @param to the hour after the last
     * @throws InvalidInputException if one is missing or the hours are not whole UTC hours in order
     */
    public static void checkQuery(String experimentId, String scorerName, Instant from, Instant to) {
        if (experimentId == null || scorerName == null) {
            throw new InvalidInputException("rollups need an experiment id and a scorer name, got " + experimentId
                    + " and " + scorerName);
        }
        checkHours(from, to);
    }

    /**
     * @param from a range start
     * @param to a range end
     * @throws InvalidInputException unless both are whole UTC hours and {@code to} is not before {@code from}
     */
    public static void checkHours(Instant from, Instant to) {
        if (from == null || to == null) {
            throw new InvalidInputException("rollups need both ends of the hour range, got [" + from + ", " + to
                    + ")");
        }
        if (!from.truncatedTo(ChronoUnit.HOURS).equals(from) || !to.truncatedTo(ChronoUnit.HOURS).equals(to)) {
            throw new InvalidInputException("rollups are read by whole UTC hours; got [" + from + ", " + to + ")");
        }
        if (to.isBefore(from)) {
            throw new InvalidInputException("hour range ends (" + to + ") before it starts (" + from + ")");
        }
    }

    /** Sums rows by key; not thread-safe. */
    public static final class Accumulator {
        private final Map<Rollup.Key, Rollup> rows = new TreeMap<>();

        /**
         * @param r a row to add, or null (nothing)
         * @return this
         */
        public Accumulator add(Rollup r) {
            if (r != null) {
                Rollup merged = rows.containsKey(r.key()) ? rows.get(r.key()).plus(r) : r;
                put(merged);
            }
            return this;
        }

        /**
         * @param r a row to take out, or null (nothing)
         * @return this
         */
        public Accumulator subtract(Rollup r) {
            if (r != null) {
                put(rows.getOrDefault(r.key(), Rollup.empty(r.key())).minus(r));
            }
            return this;
        }

        private void put(Rollup r) {
            if (r.isEmpty()) {
                rows.remove(r.key());
            } else {
                rows.put(r.key(), r);
            }
        }

        /** @return the rows (deltas may hold negative counts), in key order, none empty */
        public List<Rollup> rows() {
            return List.copyOf(new ArrayList<>(rows.values()));
        }

        /** @return whether nothing was added */
        public boolean isEmpty() {
            return rows.isEmpty();
        }
    }
}
