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
    CATEGORY_SHARE
}
