package dev.vigil.spi.scorer;

import dev.vigil.spi.InvalidInputException;

/**
 * How a scheduled scorer picks traces: a sample rate in [0, 1] and an optional filter string (MLflow's
 * {@code ScorerSamplingConfig}). A rate of 0 means stopped.
 *
 * @param sampleRate fraction of (matching) traces scored, in [0, 1]
 * @param filterString an MLflow {@code search_traces} filter, or null for all traces
 */
public record SamplingConfig(double sampleRate, String filterString) {
    /** A stopped scorer's configuration. */
    public static final SamplingConfig STOPPED = new SamplingConfig(0.0, null);

    /** Validates the rate; a blank filter becomes null. The filter's syntax is checked by the registry. */
    public SamplingConfig {
        if (Double.isNaN(sampleRate) || sampleRate < 0.0 || sampleRate > 1.0) {
            throw new InvalidInputException("sample rate must be a number in [0, 1], got " + sampleRate);
        }
        filterString = filterString == null || filterString.isBlank() ? null : filterString;
    }

    /** @param rate the sample rate @return a configuration without a filter */
    public static SamplingConfig of(double rate) {
        return new SamplingConfig(rate, null);
    }

    /** @param rate the sample rate @param filter the filter string @return a configuration */
    public static SamplingConfig of(double rate, String filter) {
        return new SamplingConfig(rate, filter);
    }

    /** @return true if the rate is above 0 */
    public boolean isActive() {
        return sampleRate > 0.0;
    }

    /** @param rate a new rate @return a copy with it, the filter kept */
    public SamplingConfig withSampleRate(double rate) {
        return new SamplingConfig(rate, filterString);
    }
}
