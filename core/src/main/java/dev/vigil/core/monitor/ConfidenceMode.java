package dev.vigil.core.monitor;

/** When a threshold counts as crossed. */
public enum ConfidenceMode {
    /**
     * The whole 95 % interval of the population value is past the threshold (the default): a sampled metric
     * does not alert on noise, at the cost of alerting later on small samples.
     */
    INTERVAL,
    /** The point estimate is past the threshold: alerts sooner, and on noise too. */
    POINT
}
