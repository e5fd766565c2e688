package dev.vigil.core.sampling;

import dev.vigil.spi.InvalidInputException;

/**
 * Decides whether a scorer scores a trace: a pure function of (trace id, scorer name, rate, seed).
 *
 * <p>A decision hashes the trace id (and, in {@linkplain #independent independent} mode, the scorer name) with a
 * seeded 64-bit hash and keeps the trace when the top 63 bits of the hash, read as an unsigned number, are below
 * {@code rate × 2^63}. The threshold is computed once per rate ({@link #threshold(double)}); the hot path is one
 * hash and one unsigned comparison ({@link #keep(long, long)}), with no allocation.
 *
 * <ul>
 *   <li><b>Nested</b> (the default, {@link #nested(long)}): one hash per trace, whatever the scorer. A trace kept at
 *       rate r is kept by every scorer whose rate is ≥ r, so the traces kept by a 10% scorer are a subset of those
 *       kept by a 50% scorer: metrics are comparable on the same traces and each trace is loaded once.</li>
 *   <li><b>Independent</b> ({@link #independent(long)}): the hash covers the trace id and the scorer name, so
 *       each scorer draws its own sample.</li>
 * </ul>
 *
 * <p>For a fixed rate, a higher rate keeps a superset of the traces a lower one keeps; rate 1 keeps every trace
 * and rate 0 none. The hash is specified in {@link TraceIdHash} and is stable across versions: changing it would
 * change which historical traces a backfill picks.
 *
 * <p>Instances are immutable and thread-safe.
 */
public interface Sampler {

    /** The seed used when none is configured. Changing it re-draws every sample, so it never changes. */
    long DEFAULT_SEED = 0x5EED_0F_716E_1L;

    /** The threshold meaning "keep every trace" (rate 1): 2^63 as an unsigned number. */
    long KEEP_ALL = Long.MIN_VALUE;

    /** The threshold meaning "keep no trace" (rate 0). */
    long KEEP_NONE = 0L;

    /**
     * @param seed the hash seed
     * @return a sampler that hashes the trace id only, so samples nest across scorers
     */
    static Sampler nested(long seed) {
        return new NestedSampler(seed);
    }

    /**
     * @param seed the hash seed
     * @return a sampler that hashes the trace id and the scorer name, so each scorer draws its own sample
     */
    static Sampler independent(long seed) {
        return new IndependentSampler(seed);
    }

    /** @return the nested sampler with {@link #DEFAULT_SEED} */
    static Sampler defaultSampler() {
        return NestedSampler.DEFAULT;
    }

    /** @return the seed */
    long seed();

    /** @return true if decisions ignore the scorer name ({@link #nested(long)}) */
    boolean isNested();

    /**
     * The seeded 64-bit hash a decision compares with the threshold.
     *
     * @param traceId the trace id (any non-null string)
     * @param scorerName the scorer name; ignored by the nested sampler, required by the independent one
     * @return the hash
     */
    long hash(String traceId, String scorerName);

    /**
     * @param traceId the trace id
     * @param scorerName the scorer name (ignored by the nested sampler)
     * @param rate the sample rate in [0, 1]
     * @return true if the scorer scores this trace
     * @throws InvalidInputException if the rate is NaN or outside [0, 1]
     */
    default boolean keep(String traceId, String scorerName, double rate) {
        return keep(hash(traceId, scorerName), threshold(rate));
    }

    /**
     * The threshold for a rate: {@code round(rate × 2^63)} as an unsigned number, {@link #KEEP_NONE} for 0,
     * {@link #KEEP_ALL} (2^63) for 1. Monotonic in the rate, which gives the superset property.
     *
     * @param rate the sample rate in [0, 1]
     * @return the threshold to pass to {@link #keep(long, long)}
     * @throws InvalidInputException if the rate is NaN or outside [0, 1]
     */
    static long threshold(double rate) {
        if (Double.isNaN(rate) || rate < 0.0 || rate > 1.0) {
            throw new InvalidInputException("sample rate must be a number in [0, 1], got " + rate);
        }
        if (rate >= 1.0) {
            return KEEP_ALL;
        }
        // rate × 2^63 is exact scaling of a double; Math.round gives at most 2^63 - 1 for rate < 1
        // except when it rounds up to 2^63, which saturates to Long.MAX_VALUE: still below KEEP_ALL.
        return Math.round(rate * 0x1p63);
    }

    /**
     * The hot path: one unsigned comparison.
     *
     * @param hash a hash from {@link #hash(String, String)}
     * @param threshold a threshold from {@link #threshold(double)}
     * @return true if the trace is kept
     */
    static boolean keep(long hash, long threshold) {
        // hash >>> 1 is in [0, 2^63); the threshold is in [0, 2^63] (2^63 = KEEP_ALL, negative as a signed long).
        return Long.compareUnsigned(hash >>> 1, threshold) < 0;
    }
}
