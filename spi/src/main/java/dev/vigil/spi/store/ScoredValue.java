package dev.vigil.spi.store;

import dev.vigil.spi.model.Assessment;
import java.time.Instant;
import java.util.Objects;

/**
 * A scorer's feedback with the request time of the trace it is on, for aggregations over time.
 *
 * @param traceTime the trace's request time
 * @param assessment the feedback
 */
public record ScoredValue(Instant traceTime, Assessment assessment) {
    /** Validates. */
    public ScoredValue {
        Objects.requireNonNull(traceTime, "traceTime");
        Objects.requireNonNull(assessment, "assessment");
    }
}
