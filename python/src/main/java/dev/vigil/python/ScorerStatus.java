package dev.vigil.python;

import java.util.Objects;

/**
 * Whether a Python scorer runs.
 *
 * @param state active or quarantined
 * @param reason why it is quarantined; empty when active
 */
public record ScorerStatus(State state, String reason) {
    /** The status of a scorer that runs. */
    public static final ScorerStatus ACTIVE = new ScorerStatus(State.ACTIVE, "");

    /** Validates. */
    public ScorerStatus {
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
    }

    /** @param reason why @return a quarantined status */
    public static ScorerStatus quarantined(String reason) {
        return new ScorerStatus(State.QUARANTINED, reason);
    }

    /** @return true if quarantined */
    public boolean isQuarantined() {
        return state == State.QUARANTINED;
    }

    /** The states. */
    public enum State {
        /** Called for every trace. */
        ACTIVE,
        /** No longer called: every trace gets an error feedback carrying the reason. */
        QUARANTINED
    }
}
