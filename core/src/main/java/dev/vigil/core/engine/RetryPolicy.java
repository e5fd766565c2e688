package dev.vigil.core.engine;

import dev.vigil.spi.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a retryable scorer failure (a judge's 429 or 5xx, a reset connection) is retried: exponential back-off with
 * full jitter, bounded both in attempts and in total time. A server's Retry-After is honoured: the pause is never
 * shorter than it.
 *
 * @param maxAttempts attempts in all, 1 or more (1 = no retry)
 * @param initialBackoff the pause before the first retry, before jitter
 * @param maxBackoff the longest single pause
 * @param maxElapsed no retry starts after this much time since the first attempt
 * @param jitter the fraction of each pause drawn at random, in [0, 1] (0: exact exponential; 1: full jitter)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxElapsed,
        double jitter) {

    /** Five attempts, 200 ms doubling up to 10 s, within 60 s, half jitter. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10),
            Duration.ofSeconds(60), 0.5);

    /** A single attempt. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0.0);

    /** Validates. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new InvalidInputException("maxAttempts must be 1 or more, got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxElapsed, "maxElapsed");
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxElapsed.isNegative()) {
            throw new InvalidInputException("retry durations must not be negative, got initial " + initialBackoff
                    + ", max " + maxBackoff + ", elapsed " + maxElapsed);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidInputException("maxBackoff (" + maxBackoff + ") is shorter than initialBackoff ("
                    + initialBackoff + ")");
        }
        if (Double.isNaN(jitter) || jitter < 0 || jitter > 1) {
            throw new InvalidInputException("jitter must be in [0, 1], got " + jitter);
        }
    }

    /**
     * The pause before retry number {@code retry}.
     *
     * @param retry 1 for the first retry, 2 for the second...
     * @param retryAfter the server's Retry-After, or null
     * @param random a uniform draw in [0, 1)
     * @return the pause: {@code min(max, initial * 2^(retry-1))}, its jittered fraction scaled by {@code random},
     *     and never less than {@code retryAfter}
     */
    public Duration backoff(int retry, Duration retryAfter, double random) {
        double base = initialBackoff.toNanos() * Math.pow(2, Math.max(0, retry - 1));
        base = Math.min(base, maxBackoff.toNanos());
        double pause = base * (1 - jitter) + base * jitter * random;
        Duration d = Duration.ofNanos((long) pause);
        if (retryAfter != null && d.compareTo(retryAfter) < 0) {
            d = retryAfter;
        }
        return d;
    }
}
