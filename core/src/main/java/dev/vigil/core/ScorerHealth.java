package dev.vigil.core;

import dev.vigil.spi.judge.FailureKind;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one scorer version is doing in this process: one view that merges the engine's run state (paused after
 * authentication failures, unavailable when this process cannot build the scorer) with the Python sandbox's
 * quarantine. Shown by {@code vigil scorers list} and the server API; read it from {@link Vigil#scorerHealth(String)}.
 *
 * @param experimentId the experiment
 * @param name the registered scorer name
 * @param version the scorer version
 * @param state the run state
 * @param reason why it is not {@link State#RUNNING} (what to do about it), or null
 * @param lastSuccessAt when a run last succeeded, or null
 * @param lastErrorAt when a run last failed, or null
 * @param lastErrorKind the kind of the last provider failure, or null (none, or a scorer's own exception)
 * @param lastErrorMessage the last failure's message, or null
 * @param failuresByKind failed runs per provider failure kind since start (a scorer's own exceptions are not
 *     counted here but in {@code scorerErrors})
 * @param scorerErrors runs that ended in an error assessment because the scorer itself failed
 * @param pendingRetries pairs of this scorer version waiting in the store's retry queue
 * @param latencyP50 median time from trace completion to stored assessment (recent runs), or null before any
 * @param latencyP99 99th percentile of the same, or null before any
 */
public record ScorerHealth(String experimentId, String name, int version, State state, String reason,
        Instant lastSuccessAt, Instant lastErrorAt, FailureKind lastErrorKind, String lastErrorMessage,
        Map<FailureKind, Long> failuresByKind, long scorerErrors, long pendingRetries, Duration latencyP50,
        Duration latencyP99) {

    /** Validates and freezes. */
    public ScorerHealth {
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        EnumMap<FailureKind, Long> copy = new EnumMap<>(FailureKind.class);
        if (failuresByKind != null) {
            copy.putAll(failuresByKind);
        }
        failuresByKind = Map.copyOf(copy);
    }

    /** The start of the reason the engine gives a scorer it paused (kept on its pairs in the retry queue). */
    public static final String PAUSED_PREFIX = "paused after ";

    /**
     * The health of a scorer version as far as the store tells it, for a process that runs no engine (the CLI):
     * the pairs pending in the retry queue, the last failure recorded on them, and the state the engine left
     * there — PAUSED when its pairs wait for a resume, UNAVAILABLE when they wait for a process that can build
     * the scorer. Run counters and latencies live in the engine's process and are null or zero here.
     *
     * @param queue the store's retry queue
     * @param experimentId the experiment
     * @param name the scorer name
     * @param version the scorer version
     * @return its stored health
     */
    public static ScorerHealth fromStore(dev.vigil.spi.store.RetryQueue queue, String experimentId, String name,
            int version) {
        long pending = queue.count(experimentId, name, version);
        if (pending == 0) {
            return new ScorerHealth(experimentId, name, version, State.RUNNING, null, null, null, null, null,
                    Map.of(), 0, 0, null, null);
        }
        State state = State.RUNNING;
        String reason = null;
        FailureKind kind = null;
        String message = null;
        java.util.List<dev.vigil.spi.store.PendingRetry> sample = queue.list(experimentId, name, version, 100);
        for (dev.vigil.spi.store.PendingRetry p : sample) {
            if (p.lastKind() == FailureKind.AUTH && p.lastMessage().startsWith(PAUSED_PREFIX)) {
                state = State.PAUSED;
                reason = p.lastMessage();
            } else if (p.lastKind() == null && state == State.RUNNING) {
                state = State.UNAVAILABLE;
                reason = p.lastMessage();
            }
            if (kind == null && p.lastKind() != null) {
                kind = p.lastKind();
                message = p.lastMessage();
            }
        }
        return new ScorerHealth(experimentId, name, version, state, reason, null, null, kind, message, Map.of(), 0,
                pending, null, null);
    }

    /** A scorer version's run state. */
    public enum State {
        /** Scoring new traces. */
        RUNNING,
        /** Paused after repeated authentication failures: fix the credentials, then resume it. */
        PAUSED,
        /** A Python scorer the sandbox stopped running after repeated crashes or budget overruns. */
        QUARANTINED,
        /**
         * This process cannot build the scorer (a lambda registered by another process, a missing class or Python
         * module): it does not score it, and its traces are left to a process that can.
         */
        UNAVAILABLE
    }
}
