package dev.vigil.core.monitor;

import dev.vigil.core.aggregate.Interval;
import java.util.List;
import java.util.Optional;

/**
 * A monitor's aggregate over one window.
 *
 * @param value the point estimate, NaN when there were no values
 * @param interval its 95 % population interval, if it can be estimated
 * @param sampleSize the number of values it came from
 * @param traceIds a few traces that drove it (failing ones first)
 */
public record Estimate(double value, Optional<Interval> interval, long sampleSize, List<String> traceIds) {
    /** Freezes. */
    public Estimate {
        interval = interval == null ? Optional.empty() : interval;
        traceIds = List.copyOf(traceIds);
    }
}
