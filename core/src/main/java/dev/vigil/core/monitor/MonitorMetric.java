package dev.vigil.core.monitor;

/** The aggregate a monitor watches. */
public enum MonitorMetric {
    /** Share of true / "yes" values among boolean and yes/no feedback (Wilson interval). */
    PASS_RATE,
    /** Mean of the numeric values (t interval). */
    MEAN,
    /** 90th percentile of the numeric values (order-statistic interval). */
    P90,
    /** Share of error feedback among all feedback (Wilson interval). */
    ERROR_RATE,
    /** Share of one category among the non-error string values (Wilson interval). */
    CATEGORY_SHARE,
    /**
     * Engine health: how many trace arrivals the engine's durable cursors are behind the newest arrival it read
     * (an exact measure, no interval; the scorer name is not used). Direction above by default.
     */
    CURSOR_LAG,
    /**
     * Engine health: 1 when the scorer is not running — paused by the engine (repeated authentication failures),
     * stopped or deleted — else 0 (exact; a critical threshold of 0.5 alerts on it). Direction above by default.
     */
    SCORER_PAUSED;

    /** @return true for engine-health metrics, read from the running engine rather than from feedback */
    public boolean isHealth() {
        return this == CURSOR_LAG || this == SCORER_PAUSED;
    }
}
