package dev.vigil.core.monitor;

/** The state of a monitor, from best to worst; {@link #NO_DATA} when there are too few values to judge. */
public enum MonitorState {
    /** Not enough values in the window (fewer than the minimum sample size). */
    NO_DATA,
    /** Within the thresholds. */
    OK,
    /** Past the warning threshold. */
    WARNING,
    /** Past the critical threshold. */
    CRITICAL;

    /** @return true for WARNING and CRITICAL */
    public boolean alerting() {
        return this == WARNING || this == CRITICAL;
    }
}
