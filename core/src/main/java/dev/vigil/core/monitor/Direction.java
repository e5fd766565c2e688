package dev.vigil.core.monitor;

/** Which side of a threshold is bad. */
public enum Direction {
    /** Alert when the value falls below the threshold (e.g. a pass rate). */
    BELOW,
    /** Alert when the value rises above the threshold (e.g. an error rate). */
    ABOVE
}
