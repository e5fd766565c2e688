package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.FilterExpr;
import java.time.Instant;

/**
 * A scan of one experiment's traces by request time, optionally filtered.
 *
 * @param experimentId the experiment
 * @param from the earliest request time, inclusive
 * @param to the latest request time, exclusive
 * @param filter a filter the store applies (pushed down where it can), or null for all
 */
public record TraceQuery(String experimentId, Instant from, Instant to, FilterExpr filter) {
    /** Validates. */
    public TraceQuery {
        if (experimentId == null || experimentId.isEmpty()) {
            throw new InvalidInputException("a trace query needs an experiment id");
        }
        from = from == null ? Instant.EPOCH : from;
        to = to == null ? Instant.ofEpochMilli(Long.MAX_VALUE / 2) : to;
        if (to.isBefore(from)) {
            throw new InvalidInputException("time range ends (" + to + ") before it starts (" + from + ")");
        }
    }

    /**
     * @param experimentId the experiment
     * @return a query over all its traces
     */
    public static TraceQuery all(String experimentId) {
        return new TraceQuery(experimentId, null, null, null);
    }
}
