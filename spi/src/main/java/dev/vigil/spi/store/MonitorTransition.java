package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A monitor's change of state, as stored in its history. The id is stable: it is the notification id receivers
 * de-duplicate on, so a re-sent notification for the same transition carries the same id.
 *
 * @param id a stable unique id of this transition (and of its notifications)
 * @param experimentId the experiment
 * @param monitorName the monitor
 * @param monitorVersion the monitor version that was evaluated
 * @param at the evaluation time at which the state changed
 * @param from the previous state ({@code OK}, {@code WARNING}, {@code CRITICAL}, {@code NO_DATA})
 * @param to the new state
 * @param value the estimate at that time, NaN when there was no data
 * @param low the low end of its 95 % interval, NaN if none
 * @param high the high end of its 95 % interval, NaN if none
 * @param sampleSize the number of values the estimate was computed from
 * @param windowStart the start of the evaluated window (inclusive)
 * @param windowEnd the end of the evaluated window (exclusive)
 * @param traceIds a few traces that drove the estimate (failing ones first), at most {@link #MAX_TRACE_IDS}
 */
public record MonitorTransition(String id, String experimentId, String monitorName, int monitorVersion,
        Instant at, String from, String to, double value, double low, double high, long sampleSize,
        Instant windowStart, Instant windowEnd, List<String> traceIds) {

    /** At most this many trace ids are kept with a transition. */
    public static final int MAX_TRACE_IDS = 10;

    /** Validates and freezes. */
    public MonitorTransition {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("a monitor transition needs an id");
        }
        if (experimentId == null || experimentId.isEmpty()) {
            throw new InvalidInputException("a monitor transition needs an experiment id");
        }
        Objects.requireNonNull(monitorName, "monitorName");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        traceIds = traceIds == null ? List.of()
                : List.copyOf(traceIds.subList(0, Math.min(MAX_TRACE_IDS, traceIds.size())));
    }
}
