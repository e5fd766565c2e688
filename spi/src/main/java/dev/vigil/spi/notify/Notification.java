package dev.vigil.spi.notify;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One notification of a state change. The id is stable for the change it reports: a re-sent notification carries
 * the same id, so receivers de-duplicate on it (delivery is at-least-once).
 *
 * @param id stable id (the monitor transition's id)
 * @param experimentId the experiment
 * @param subject what changed, e.g. the monitor's name
 * @param from the previous state
 * @param to the new state
 * @param at when the change was observed
 * @param metric what was measured, e.g. {@code pass_rate of safety}
 * @param value the estimate, NaN if none
 * @param low low end of its 95 % interval, NaN if none
 * @param high high end of its 95 % interval, NaN if none
 * @param sampleSize values the estimate came from
 * @param windowStart start of the evaluated window
 * @param windowEnd end of the evaluated window
 * @param traceIds a few traces that drove it
 * @param test true for a sample notification sent by {@code vigil monitors test}
 * @param kind what it is about: {@value #MONITOR} (a monitor's state change; subject is the monitor) or
 *     {@value #BUDGET} (a budget reached 80 % or 100 % of a limit; subject is the budget, value the share used,
 *     sample size the calls counted, the window the budget's period)
 */
public record Notification(String id, String experimentId, String subject, String from, String to, Instant at,
        String metric, double value, double low, double high, long sampleSize, Instant windowStart,
        Instant windowEnd, List<String> traceIds, boolean test, String kind) {

    /** The kind of a monitor's notification. */
    public static final String MONITOR = "monitor";
    /** The kind of a budget's notification. */
    public static final String BUDGET = "budget";

    /**
     * A monitor's notification.
     *
     * @param id stable id (the monitor transition's id)
     * @param experimentId the experiment
     * @param subject the monitor's name
     * @param from the previous state
     * @param to the new state
     * @param at when the change was observed
     * @param metric what was measured
     * @param value the estimate, NaN if none
     * @param low low end of its 95 % interval, NaN if none
     * @param high high end of its 95 % interval, NaN if none
     * @param sampleSize values the estimate came from
     * @param windowStart start of the evaluated window
     * @param windowEnd end of the evaluated window
     * @param traceIds a few traces that drove it
     * @param test true for a sample notification
     */
    public Notification(String id, String experimentId, String subject, String from, String to, Instant at,
            String metric, double value, double low, double high, long sampleSize, Instant windowStart,
            Instant windowEnd, List<String> traceIds, boolean test) {
        this(id, experimentId, subject, from, to, at, metric, value, low, high, sampleSize, windowStart, windowEnd,
                traceIds, test, MONITOR);
    }

    /** Validates and freezes. */
    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        traceIds = traceIds == null ? List.of() : List.copyOf(traceIds);
        kind = kind == null ? MONITOR : kind;
    }

    /** @return true for a budget's notification */
    public boolean isBudget() {
        return BUDGET.equals(kind);
    }
}
