package dev.vigil.spi.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The sums of one scorer's feedback of one name, one scorer version and one recorded sample rate, on the traces of
 * one experiment whose request time falls in one UTC hour. The sums are those the dashboard's estimates need
 * (counts, Σx, Σx², passes, category counts); every weighted estimate follows from them because all values of a row
 * share one sample rate. Rows add up ({@link #plus}) and subtract ({@link #minus}), so a store keeps them up to date
 * as feedback is written and replaced.
 *
 * @param key what the row sums
 * @param count feedback values, errors included
 * @param errors error feedback
 * @param numericCount numbers, booleans and yes/no values (the latter two as 1/0)
 * @param sum Σx over those
 * @param sumOfSquares Σx² over those
 * @param judged booleans and yes/no values
 * @param passed true and "yes" values
 * @param categories counts per categorical (other string) value
 */
public record Rollup(Key key, long count, long errors, long numericCount, double sum, double sumOfSquares,
        long judged, long passed, Map<String, Long> categories) {

    /**
     * What a row sums.
     *
     * @param experimentId the experiment
     * @param scorerName the scorer (from the feedback's metadata)
     * @param scorerVersion the scorer version (0 when the feedback names none)
     * @param hour the start of the UTC hour of the traces' request time
     * @param feedbackName the feedback (assessment) name
     * @param sampleRate the sample rate recorded on the feedback, in (0, 1], or {@link #NO_RATE} when none was
     */
    public record Key(String experimentId, String scorerName, int scorerVersion, Instant hour, String feedbackName,
            double sampleRate) implements Comparable<Key> {

        /** Validates: the hour must be a whole UTC hour. */
        public Key {
            Objects.requireNonNull(experimentId, "experimentId");
            Objects.requireNonNull(scorerName, "scorerName");
            Objects.requireNonNull(hour, "hour");
            Objects.requireNonNull(feedbackName, "feedbackName");
            if (!hour.truncatedTo(ChronoUnit.HOURS).equals(hour)) {
                throw new IllegalArgumentException("a rollup hour must be a whole UTC hour, got " + hour);
            }
            if (sampleRate != NO_RATE && (!(sampleRate > 0) || sampleRate > 1)) {
                throw new IllegalArgumentException("a rollup's sample rate is in (0, 1] or NO_RATE, got "
                        + sampleRate);
            }
        }

        /** Orders by experiment, scorer, hour, feedback name, version, then rate. */
        @Override
        public int compareTo(Key o) {
            int c = experimentId.compareTo(o.experimentId);
            c = c != 0 ? c : scorerName.compareTo(o.scorerName);
            c = c != 0 ? c : hour.compareTo(o.hour);
            c = c != 0 ? c : feedbackName.compareTo(o.feedbackName);
            c = c != 0 ? c : Integer.compare(scorerVersion, o.scorerVersion);
            return c != 0 ? c : Double.compare(sampleRate, o.sampleRate);
        }

        /** @return whether the feedback recorded its sample rate */
        public boolean hasRate() {
            return sampleRate != NO_RATE;
        }
    }

    /** The {@link Key#sampleRate} of feedback that did not record one (the scorer's current rate applies). */
    public static final double NO_RATE = 0;

    /** Validates and freezes; category counts of 0 are dropped. */
    public Rollup {
        Objects.requireNonNull(key, "key");
        TreeMap<String, Long> cats = new TreeMap<>();
        Objects.requireNonNull(categories, "categories").forEach((k, v) -> {
            if (v != 0) {
                cats.put(k, v);
            }
        });
        categories = java.util.Collections.unmodifiableSortedMap(cats);
    }

    /**
     * @param key the key
     * @return a row with nothing in it
     */
    public static Rollup empty(Key key) {
        return new Rollup(key, 0, 0, 0, 0, 0, 0, 0, Map.of());
    }

    /**
     * @param other a row of the same key
     * @return the sums of both
     */
    public Rollup plus(Rollup other) {
        return combine(other, 1);
    }

    /**
     * @param other a row of the same key, part of this one (e.g. feedback being replaced)
     * @return this row without it
     */
    public Rollup minus(Rollup other) {
        return combine(other, -1);
    }

    private Rollup combine(Rollup o, int sign) {
        if (!key.equals(o.key)) {
            throw new IllegalArgumentException("cannot combine rollups of different keys: " + key + " and " + o.key);
        }
        Map<String, Long> cats = new TreeMap<>(categories);
        o.categories.forEach((k, v) -> cats.merge(k, sign * v, Long::sum));
        return new Rollup(key, count + sign * o.count, errors + sign * o.errors, numericCount + sign * o.numericCount,
                sum + sign * o.sum, sumOfSquares + sign * o.sumOfSquares, judged + sign * o.judged,
                passed + sign * o.passed, cats);
    }

    /** @return true when the row sums nothing: every count and sum 0 */
    public boolean isEmpty() {
        return count == 0 && errors == 0 && numericCount == 0 && judged == 0 && passed == 0 && sum == 0
                && sumOfSquares == 0 && categories.isEmpty();
    }
}
