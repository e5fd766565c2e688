package dev.vigil.core.engine;

import dev.vigil.spi.judge.FailureKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What the engine saw of one scorer version's runs since it started (the engine's part of
 * {@code dev.vigil.core.ScorerHealth}).
 *
 * @param key the scorer version
 * @param lastSuccessAt when a run last ended in stored feedback without error, or null
 * @param lastErrorAt when a run last failed, or null
 * @param lastErrorKind the provider failure kind of the last failure, or null (a scorer's own exception)
 * @param lastErrorCode the last failure's error code (e.g. {@code QUARANTINED} from the Python sandbox), or null
 * @param lastErrorMessage the last failure's message, or null
 * @param failuresByKind failed runs per provider failure kind
 * @param scorerErrors runs recorded as error feedback because the scorer itself failed
 * @param deferred runs whose pair was deferred to the retry queue
 * @param latencyP50 median of trace completion to stored feedback over the recent runs, or null
 * @param latencyP99 99th percentile of the same, or null
 */
public record RunStats(ScorerKey key, Instant lastSuccessAt, Instant lastErrorAt, FailureKind lastErrorKind,
        String lastErrorCode, String lastErrorMessage, Map<FailureKind, Long> failuresByKind, long scorerErrors, long deferred,
        Duration latencyP50, Duration latencyP99) {

    /** Freezes. */
    public RunStats {
        failuresByKind = Map.copyOf(failuresByKind);
    }
}
