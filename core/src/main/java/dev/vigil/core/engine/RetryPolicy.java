package dev.vigil.core.engine;

import dev.vigil.spi.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the immediate retries of a retryable scorer failure (see
 * {@link dev.vigil.spi.judge.FailureKind#retryable()}): exponential back-off with jitter, bounded in attempts and
 * in time, honouring a server's Retry-After. This is configuration only: the retrying itself is Failsafe's
 * {@code dev.failsafe.RetryPolicy}, built and driven by the engine's scorer runner (internal), the one
 * reliability layer of the engine, backfill and {@code evaluate}.
 *
 * @param maxAttempts attempts in all, 1 or more (1 = no retry)
 * @param initialBackoff the pause before the first retry, before jitter
 * @param maxBackoff the longest single pause
 * @param maxElapsed no retry starts after this much time since the first attempt, and a Retry-After longer than
 *     this is not waited for (the failure ends the run at once)
 * @param jitter the fraction of each pause drawn at random, in [0, 1]
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
}
