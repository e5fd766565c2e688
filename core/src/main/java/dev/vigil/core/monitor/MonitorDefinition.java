package dev.vigil.core.monitor;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.NotifierConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a monitor watches and when it alerts; validated on construction with an error that says what is wrong and
 * what is allowed. Encode and decode it with {@link MonitorJson}.
 *
 * @param scorerName the scorer whose feedback is watched
 * @param feedbackName the feedback (assessment) name, or null for all of the scorer's feedback
 * @param metric the aggregate
 * @param category the category, for {@link MonitorMetric#CATEGORY_SHARE} only
 * @param window the sliding window's width (1 minute to 31 days)
 * @param every how often it is evaluated (10 seconds up to the window)
 * @param direction which side of the thresholds is bad
 * @param warning the warning threshold, or null
 * @param critical the critical threshold, or null (at least one of the two)
 * @param minSamples below this many values in the window the state is NO_DATA (1 or more)
 * @param confidence when a threshold counts as crossed
 * @param lateDataDelay the window ends this long before the evaluation, so late traces are in (0 to 1 day)
 * @param hysteresis a state is left for a better one only when the value is this far back past the threshold (0
 *     or more, in the metric's units)
 * @param destinations where its notifications go (may be empty)
 */
public record MonitorDefinition(String scorerName, String feedbackName, MonitorMetric metric, String category,
        Duration window, Duration every, Direction direction, Double warning, Double critical, int minSamples,
        ConfidenceMode confidence, Duration lateDataDelay, double hysteresis, List<NotifierConfig> destinations) {

    /** The default minimum sample size. */
    public static final int DEFAULT_MIN_SAMPLES = 30;

    /** Validates and freezes. */
    public MonitorDefinition {
        if (scorerName == null || scorerName.isBlank()) {
            throw new InvalidInputException("a monitor needs the name of the scorer it watches");
        }
        if (feedbackName != null && feedbackName.isBlank()) {
            feedbackName = null;
        }
        if (metric == null) {
            throw new InvalidInputException("a monitor needs a metric: one of pass_rate, mean, p90, error_rate, "
                    + "category_share, cursor_lag, scorer_paused");
        }
        if (metric == MonitorMetric.CATEGORY_SHARE && (category == null || category.isBlank())) {
            throw new InvalidInputException("metric category_share needs the category to watch");
        }
        if (metric != MonitorMetric.CATEGORY_SHARE && category != null) {
            throw new InvalidInputException("a category is only allowed with metric category_share, not " + metric);
        }
        if (window == null || window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(31)) > 0) {
            throw new InvalidInputException("a monitor's window must be 1 minute to 31 days, got " + window);
        }
        every = every == null ? Duration.ofMinutes(1).compareTo(window) < 0 ? Duration.ofMinutes(1) : window : every;
        if (every.compareTo(Duration.ofSeconds(10)) < 0 || every.compareTo(window) > 0) {
            throw new InvalidInputException("a monitor is evaluated every 10 seconds up to its window (" + window
                    + "), got every " + every);
        }
        direction = direction == null ? (metric == MonitorMetric.ERROR_RATE || metric.isHealth() ? Direction.ABOVE
                : Direction.BELOW) : direction;
        if (warning == null && critical == null) {
            throw new InvalidInputException("a monitor needs a warning or a critical threshold (or both)");
        }
        checkThreshold("warning", warning, metric);
        checkThreshold("critical", critical, metric);
        if (warning != null && critical != null) {
            boolean ordered = direction == Direction.BELOW ? critical <= warning : critical >= warning;
            if (!ordered) {
                throw new InvalidInputException("with direction " + direction.name().toLowerCase()
                        + " the critical threshold must be " + (direction == Direction.BELOW ? "at or below" : "at or above")
                        + " the warning threshold, got warning " + warning + ", critical " + critical);
            }
        }
        if (minSamples < 1) {
            throw new InvalidInputException("a monitor's minimum sample size must be 1 or more, got " + minSamples);
        }
        confidence = confidence == null ? ConfidenceMode.INTERVAL : confidence;
        lateDataDelay = lateDataDelay == null ? Duration.ZERO : lateDataDelay;
        if (lateDataDelay.isNegative() || lateDataDelay.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidInputException("a monitor's late-data delay must be 0 to 1 day, got " + lateDataDelay);
        }
        if (!(hysteresis >= 0) || Double.isInfinite(hysteresis)) {
            throw new InvalidInputException("a monitor's hysteresis must be a finite number >= 0, got " + hysteresis);
        }
        destinations = destinations == null ? List.of() : List.copyOf(destinations);
        Objects.requireNonNull(confidence);
    }

    private static void checkThreshold(String what, Double t, MonitorMetric metric) {
        if (t == null) {
            return;
        }
        if (!Double.isFinite(t)) {
            throw new InvalidInputException("the " + what + " threshold must be a finite number, got " + t);
        }
        boolean share = metric == MonitorMetric.PASS_RATE || metric == MonitorMetric.ERROR_RATE
                || metric == MonitorMetric.CATEGORY_SHARE || metric == MonitorMetric.SCORER_PAUSED;
        if (metric == MonitorMetric.CURSOR_LAG && t < 0) {
            throw new InvalidInputException("the " + what + " threshold of a cursor_lag is a number of arrivals, "
                    + "0 or more, got " + t);
        }
        if (share && (t < 0 || t > 1)) {
            throw new InvalidInputException("the " + what + " threshold of a " + metric.name().toLowerCase()
                    + " is a share in [0, 1] (e.g. 0.9 for 90 %), got " + t);
        }
    }

    /**
     * @param newDestinations new destinations
     * @return a copy with other destinations
     */
    public MonitorDefinition withDestinations(List<NotifierConfig> newDestinations) {
        return new MonitorDefinition(scorerName, feedbackName, metric, category, window, every, direction, warning,
                critical, minSamples, confidence, lateDataDelay, hysteresis, newDestinations);
    }

    /** @return a short description, e.g. {@code pass_rate of safety} */
    public String describeMetric() {
        return metric.name().toLowerCase() + (category != null ? "(" + category + ")" : "") + " of " + scorerName
                + (feedbackName != null ? "/" + feedbackName : "");
    }
}
