package dev.vigil.judges;

import dev.vigil.spi.InvalidInputException;
import java.time.Duration;

/**
 * How failed judge calls are retried: up to {@code maxAttempts} attempts on retryable failures (429, 5xx, 529,
 * timeouts, resets), waiting an exponential back-off with jitter — attempt {@code n} waits a random time in
 * {@code [d/2, d]} with {@code d = min(initialBackoff × 2^(n-1), maxBackoff)} — or the server's
 * {@code Retry-After} when it gives one. A {@code Retry-After} longer than {@code maxRetryAfter} is not waited:
 * the call fails at once with the server's message.
 *
 * @param maxAttempts attempts in all, ≥ 1 (1 = no retry)
 * @param initialBackoff the first back-off
 * @param maxBackoff the longest back-off
 * @param maxRetryAfter the longest Retry-After honoured
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /** 4 attempts, 500 ms doubling up to 20 s, Retry-After honoured up to 60 s. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(20),
            Duration.ofSeconds(60));

    /** No retries. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** Validates. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new InvalidInputException("maxAttempts must be ≥ 1 (1 = no retry), got " + maxAttempts);
        }
        for (Duration d : new Duration[] {initialBackoff, maxBackoff, maxRetryAfter}) {
            if (d == null || d.isNegative()) {
                throw new InvalidInputException("retry durations must be ≥ 0, got " + d);
            }
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidInputException("maxBackoff (" + maxBackoff + ") must be ≥ initialBackoff ("
                    + initialBackoff + ")");
        }
    }

    /**
     * @param attempt the attempt that just failed (1-based)
     * @param unitRandom a random number in [0, 1)
     * @return the back-off before the next attempt
     */
    public Duration backoff(int attempt, double unitRandom) {
        long base = initialBackoff.toNanos();
        long d = attempt >= 62 ? maxBackoff.toNanos() : Math.min(maxBackoff.toNanos(), base << Math.min(attempt - 1, 40));
        if (d < 0) {
            d = maxBackoff.toNanos();
        }
        return Duration.ofNanos(d / 2 + (long) (unitRandom * (d - d / 2)));
    }
}
