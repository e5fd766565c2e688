package dev.vigil.core.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether the engine is running a scorer version, and why not if it is paused.
 *
 * @param key the scorer version
 * @param state RUNNING or PAUSED
 * @param reason why it is paused (the provider's last message), or null
 * @param since when it entered this state
 */
public record ScorerStatus(ScorerKey key, State state, String reason, Instant since) {

    /** Validates. */
    public ScorerStatus {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
    }

    /** A scorer's run state in the engine. */
    public enum State {
        /** Scoring new traces. */
        RUNNING,
        /** Paused after repeated authentication failures; resume it once the credentials are fixed. */
        PAUSED
    }
}
