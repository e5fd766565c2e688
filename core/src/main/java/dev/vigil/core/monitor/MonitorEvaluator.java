package dev.vigil.core.monitor;

import dev.vigil.core.aggregate.ConfidenceIntervals;
import dev.vigil.core.aggregate.Interval;
import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.ScoredValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Computes a monitor's {@link Estimate} from the values in its window with the population confidence intervals of
 * {@link ConfidenceIntervals}, and decides its state (thresholds, direction, confidence mode, hysteresis).
 */
public final class MonitorEvaluator {

    private MonitorEvaluator() {}

    /**
     * @param d the monitor
     * @param values the scorer's values in the window
     * @param defaultSampleRate the rate assumed for values that do not record theirs, in (0, 1]
     * @return the estimate
     */
    public static Estimate estimate(MonitorDefinition d, List<ScoredValue> values, double defaultSampleRate) {
        List<Assessment> in = new ArrayList<>();
        double rateSum = 0;
        int rated = 0;
        for (ScoredValue v : values) {
            Assessment a = v.assessment();
            if (a.feedback() == null || (d.feedbackName() != null && !d.feedbackName().equals(a.name()))) {
                continue;
            }
            in.add(a);
            String r = a.metadata().get(FeedbackAssessment.METADATA_SAMPLE_RATE);
            if (r != null) {
                try {
                    double x = Double.parseDouble(r);
                    if (x > 0 && x <= 1) {
                        rateSum += x;
                        rated++;
                    }
                } catch (NumberFormatException e) {
                    // the default applies
                }
            }
        }
        double rate = rated == 0 ? defaultSampleRate : rateSum / rated;
        List<String> bad = new ArrayList<>();
        List<String> other = new ArrayList<>();
        long hits = 0;
        long n = 0;
        double[] xs = new double[in.size()];
        int nx = 0;
        for (Assessment a : in) {
            FeedbackValue f = a.feedback();
            Object v = f.value();
            switch (d.metric()) {
                case ERROR_RATE -> {
                    n++;
                    if (f.isError()) {
                        hits++;
                        bad.add(a.traceId());
                    }
                }
                case PASS_RATE -> {
                    Boolean p = f.isError() ? null : passOf(v);
                    if (p != null) {
                        n++;
                        if (p) {
                            hits++;
                            other.add(a.traceId());
                        } else {
                            bad.add(a.traceId());
                        }
                    }
                }
                case CATEGORY_SHARE -> {
                    if (!f.isError() && v instanceof String s) {
                        n++;
                        if (s.equals(d.category())) {
                            hits++;
                            (d.direction() == Direction.ABOVE ? bad : other).add(a.traceId());
                        } else {
                            (d.direction() == Direction.ABOVE ? other : bad).add(a.traceId());
                        }
                    }
                }
                case MEAN, P90 -> {
                    Double x = f.isError() ? null : numberOf(v);
                    if (x != null) {
                        xs[nx++] = x;
                        boolean worse = d.direction() == Direction.BELOW
                                ? threshold(d) != null && x < threshold(d)
                                : threshold(d) != null && x > threshold(d);
                        (worse ? bad : other).add(a.traceId());
                    }
                }
                default -> throw new IllegalStateException(d.metric() + " is not computed from feedback");
            }
        }
        List<String> traces = new ArrayList<>(bad);
        traces.addAll(other);
        traces = traces.subList(0, Math.min(MonitorTransition.MAX_TRACE_IDS, traces.size()));
        if (d.metric() == MonitorMetric.MEAN || d.metric() == MonitorMetric.P90) {
            if (nx == 0) {
                return new Estimate(Double.NaN, Optional.empty(), 0, List.of());
            }
            double[] sample = Arrays.copyOf(xs, nx);
            if (d.metric() == MonitorMetric.MEAN) {
                return new Estimate(Aggregation.MEAN.apply(sample), ConfidenceIntervals.mean(sample, rate), nx, traces);
            }
            return new Estimate(Aggregation.P90.apply(sample), quantileInterval(sample, 0.9), nx, traces);
        }
        if (n == 0) {
            return new Estimate(Double.NaN, Optional.empty(), 0, List.of());
        }
        return new Estimate((double) hits / n, Optional.of(ConfidenceIntervals.wilson(hits, n, rate)), n, traces);
    }

    private static Double threshold(MonitorDefinition d) {
        return d.warning() != null ? d.warning() : d.critical();
    }

    /**
     * Distribution-free interval of a quantile from order statistics (normal approximation of the binomial
     * ranks); conservative for a sample without replacement.
     */
    static Optional<Interval> quantileInterval(double[] sample, double q) {
        int n = sample.length;
        if (n < 2) {
            return Optional.empty();
        }
        double[] s = sample.clone();
        Arrays.sort(s);
        double half = ConfidenceIntervals.Z_975 * Math.sqrt(n * q * (1 - q));
        int lo = (int) Math.max(0, Math.floor(n * q - half) - 1);
        int hi = (int) Math.min(n - 1, Math.ceil(n * q + half));
        return Optional.of(new Interval(s[lo], s[hi]));
    }

    /**
     * @param d the monitor
     * @param e the window's estimate
     * @param current the state before this evaluation
     * @return the new state
     */
    public static MonitorState decide(MonitorDefinition d, Estimate e, MonitorState current) {
        if ((!d.metric().isHealth() && e.sampleSize() < d.minSamples()) || Double.isNaN(e.value())) {
            return MonitorState.NO_DATA;
        }
        // Hysteresis: a state is kept until the value is clearly back; staying needs less than entering.
        if (d.critical() != null && crossed(d, e, d.critical(), current == MonitorState.CRITICAL)) {
            return MonitorState.CRITICAL;
        }
        if (d.warning() != null && crossed(d, e, d.warning(), current.alerting())) {
            return MonitorState.WARNING;
        }
        if (d.warning() == null && current == MonitorState.CRITICAL
                && crossed(d, e, d.critical(), true)) {
            return MonitorState.CRITICAL;
        }
        return MonitorState.OK;
    }

    private static boolean crossed(MonitorDefinition d, Estimate e, double threshold, boolean staying) {
        double t = threshold;
        if (staying) {
            t = d.direction() == Direction.BELOW ? t + d.hysteresis() : t - d.hysteresis();
        }
        double probe;
        if (d.confidence() == ConfidenceMode.POINT || e.interval().isEmpty()) {
            if (d.confidence() == ConfidenceMode.INTERVAL && !staying) {
                return false; // no interval, no confident alert
            }
            probe = e.value();
        } else {
            // The whole interval must be past the threshold: its best end for the monitored direction.
            probe = d.direction() == Direction.BELOW ? e.interval().get().high() : e.interval().get().low();
        }
        return d.direction() == Direction.BELOW ? probe < t : probe > t;
    }

    private static Boolean passOf(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("yes")) {
                return true;
            }
            if (t.equals("no")) {
                return false;
            }
        }
        return null;
    }

    private static Double numberOf(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (v instanceof Number num && Double.isFinite(num.doubleValue())) {
            return num.doubleValue();
        }
        return null;
    }
}
