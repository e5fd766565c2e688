package dev.vigil.core.retry;

import dev.vigil.core.engine.internal.ActiveScorer;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.store.PendingRetry;
import java.time.Duration;
import java.time.Instant;

/**
 * The rule for pairs the engine cannot score now: a transient failure or an auth failure after the immediate
 * retries, a paused scorer, or a scorer this process cannot build. Such a pair goes to the store's retry queue,
 * never to an error assessment; its next attempt waits {@code retryFirstDelay}, doubled per further failure up to
 * {@code retryMaxDelay}. A paused scorer's pairs wait {@code retryMaxDelay} (resuming makes them due at once); an
 * unavailable scorer's pairs are due at once, for a process that can build it.
 *
 * <p>The one deferral rule of Vigil: the monitoring engine, backfill (which leaves such pairs in the same queue)
 * and {@code evaluate} (which stores nothing, so it waits the same delays in memory) all use it.
 */
public final class Deferrals {
    private final Duration first;
    private final Duration max;

    /**
     * @param first the wait before a deferred pair's first later attempt, positive
     * @param max the longest wait between later attempts, not shorter than {@code first}
     */
    public Deferrals(Duration first, Duration max) {
        if (first == null || max == null || first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("retry delays must be positive with max >= first, got first="
                    + first + ", max=" + max);
        }
        this.first = first;
        this.max = max;
    }

    /**
     * A failed run's pair for the queue, keyed by scorer version (backfill has no {@link ActiveScorer}).
     *
     * @param previous the pair's queue entry when this run was itself a later attempt, else null
     * @param key the scorer version
     * @param traceId the trace
     * @param kind the failure kind
     * @param message the failure's message
     * @param now the current time
     * @return the pair's next queue entry
     */
    public PendingRetry afterFailure(PendingRetry previous, ScorerKey key, String traceId, FailureKind kind,
            String message, Instant now) {
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        Instant firstFailed = previous == null ? now : previous.firstFailedAt();
        return new PendingRetry(key.experimentId(), traceId, key.name(), key.version(), attempts, firstFailed,
                now.plus(delay(attempts)), kind, message);
    }

    /**
     * A run the provider's open circuit breaker refused, keyed by scorer version: it never reached the provider, so
     * it is not counted as a failed attempt (a pair read now still gets its first entry); it is due after the same
     * back-off as the pair's last failure.
     *
     * @param previous the pair's queue entry when this run was itself a later attempt, else null
     * @param key the scorer version
     * @param traceId the trace
     * @param kind the failure kind
     * @param message the refusal's message
     * @param now the current time
     * @return the pair's next queue entry
     */
    public PendingRetry afterRefusal(PendingRetry previous, ScorerKey key, String traceId, FailureKind kind,
            String message, Instant now) {
        if (previous == null) {
            return afterFailure(null, key, traceId, kind, message, now);
        }
        return new PendingRetry(key.experimentId(), traceId, key.name(), key.version(), previous.attempts(),
                previous.firstFailedAt(), now.plus(delay(previous.attempts())), kind, message);
    }

    /**
     * @param previous the pair's queue entry when this run was itself a later attempt, else null
     * @param s the scorer version
     * @param traceId the trace
     * @param kind the failure kind
     * @param message the failure's message
     * @param paused whether the scorer is paused now (its pairs wait for a resume)
     * @param now the current time
     * @return the pair's next queue entry after a failed run
     */
    public PendingRetry afterFailure(PendingRetry previous, ActiveScorer s, String traceId, FailureKind kind,
            String message, boolean paused, Instant now) {
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        Instant firstFailed = previous == null ? now : previous.firstFailedAt();
        Instant due = now.plus(paused ? max : delay(attempts));
        return new PendingRetry(s.experimentId(), traceId, s.name(), s.version(), attempts, firstFailed, due, kind,
                message);
    }

    /**
     * @param s the scorer version
     * @param traceId the trace
     * @param reason why it is paused, or null
     * @param now the current time
     * @return a pair read while its scorer is paused: it waits for the resume
     */
    public PendingRetry whilePaused(ActiveScorer s, String traceId, String reason, Instant now) {
        return new PendingRetry(s.experimentId(), traceId, s.name(), s.version(), 1, now, now.plus(max),
                FailureKind.AUTH, reason == null ? "scorer paused" : reason);
    }

    /**
     * @param previous the pair's queue entry, or null for a pair read now
     * @param s the scorer version
     * @param traceId the trace
     * @param reason what this process misses to build the scorer
     * @param now the current time
     * @return a pair this process cannot score: due at once, for another process
     */
    public PendingRetry unavailableHere(PendingRetry previous, ActiveScorer s, String traceId, String reason,
            Instant now) {
        if (previous != null) {
            return previous.dueAt(now);
        }
        return new PendingRetry(s.experimentId(), traceId, s.name(), s.version(), 1, now, now, null,
                "scorer cannot run in this process: " + reason);
    }

    /**
     * @param attempts how many deferred attempts failed so far, 1 or more
     * @return the wait before the next attempt: {@code first}, doubled per further failure, at most {@code max}
     */
    public Duration delay(int attempts) {
        Duration d = first;
        for (int i = 1; i < attempts && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}
