package dev.vigil.core.engine.internal;

/**
 * The deterministic sampling decision, shared by live monitoring and backfill so both pick the same traces
 * (the scorer registry's sampler).
 */
@FunctionalInterface
public interface SamplingDecision {

    /**
     * @param traceId the trace
     * @param scorerName the registered scorer name
     * @param rate the sample rate in [0, 1]
     * @return true if this scorer scores this trace
     */
    boolean keep(String traceId, String scorerName, double rate);
}
