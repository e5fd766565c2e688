package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.judge.FailureKind;
import java.time.Instant;

/**
 * One (trace, scorer version) pair whose scoring failed transiently (rate limit, overload, timeout, connection,
 * or a paused scorer) after the immediate retries ran out: it waits in the store's {@link RetryQueue} for a later
 * attempt instead of being recorded as an error assessment.
 *
 * @param experimentId the trace's experiment
 * @param traceId the trace
 * @param scorerName the registered scorer name
 * @param scorerVersion the scorer version
 * @param attempts how many deferred attempts have failed so far (1 after the first deferral)
 * @param firstFailedAt when the pair was first deferred
 * @param nextAttemptAt when the pair is due again
 * @param lastKind the kind of the last failure, or null when the scorer could not run in the process that took
 *     the pair (it could not build the scorer: the pair waits for a process that can)
 * @param lastMessage the last failure's message (for health and the CLI), never null
 */
public record PendingRetry(String experimentId, String traceId, String scorerName, int scorerVersion, int attempts,
        Instant firstFailedAt, Instant nextAttemptAt, FailureKind lastKind, String lastMessage) {

    /** Validates: every field is required, {@code attempts >= 1}. */
    public PendingRetry {
        require(experimentId, "experimentId");
        require(traceId, "traceId");
        require(scorerName, "scorerName");
        if (scorerVersion < 1) {
            throw new InvalidInputException("a pending retry needs a scorer version of 1 or more, got "
                    + scorerVersion);
        }
        if (attempts < 1) {
            throw new InvalidInputException("a pending retry has 1 or more failed attempts, got " + attempts);
        }
        if (firstFailedAt == null || nextAttemptAt == null) {
            throw new InvalidInputException("a pending retry needs firstFailedAt and nextAttemptAt");
        }
        lastMessage = lastMessage == null ? "" : lastMessage;
    }

    /**
     * @param at when it is due again
     * @return this pair due at another time (the attempt count unchanged)
     */
    public PendingRetry dueAt(Instant at) {
        return new PendingRetry(experimentId, traceId, scorerName, scorerVersion, attempts, firstFailedAt, at,
                lastKind, lastMessage);
    }

    private static void require(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new InvalidInputException("a pending retry needs a non-empty " + what);
        }
    }
}
