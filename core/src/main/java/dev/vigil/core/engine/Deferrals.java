package dev.vigil.core.engine;

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
 */
final class Deferrals {
    private final Duration first;
    private final Duration max;

    Deferrals(Duration first, Duration max) {
        this.first = first;
        this.max = max;
    }

    /**
     * @param previous the pair's queue entry when this run was itself a later attempt, else null
     * @param paused whether the scorer is paused now (its pairs wait for a resume)
     * @return the pair's next queue entry after a failed run
     */
    PendingRetry afterFailure(PendingRetry previous, ActiveScorer s, String traceId, FailureKind kind,
            String message, boolean paused, Instant now) {
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        Instant firstFailed = previous == null ? now : previous.firstFailedAt();
        Instant due = now.plus(paused ? max : delay(attempts));
        return new PendingRetry(s.experimentId(), traceId, s.name(), s.version(), attempts, firstFailed, due, kind,
                message);
    }

    /** @return a pair read while its scorer is paused: it waits for the resume */
    PendingRetry whilePaused(ActiveScorer s, String traceId, String reason, Instant now) {
        return new PendingRetry(s.experimentId(), traceId, s.name(), s.version(), 1, now, now.plus(max),
                FailureKind.AUTH, reason == null ? "scorer paused" : reason);
    }

    /** @return a pair this process cannot score: due at once, for another process */
    PendingRetry unavailableHere(PendingRetry previous, ActiveScorer s, String traceId, String reason, Instant now) {
        if (previous != null) {
            return previous.dueAt(now);
        }
        return new PendingRetry(s.experimentId(), traceId, s.name(), s.version(), 1, now, now, null,
                "scorer cannot run in this process: " + reason);
    }

    /** @return the wait before the given attempt number (1-based) */
    Duration delay(int attempts) {
        Duration d = first;
        for (int i = 1; i < attempts && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}
