package dev.vigil.core.aggregate;

import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.store.ScoredValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Aggregates scorer feedback per time bucket and feedback name; see {@link ConfidenceIntervals} for how the
 * population intervals are computed.
 */
public final class Aggregator {

    private Aggregator() {}

    /**
     * @param values feedback with its trace times (one scorer's, e.g. from {@code valuesByScorer})
     * @param bucket the bucket width
     * @param defaultSampleRate the rate assumed for values that do not record theirs, in (0, 1]
     * @return the stats, ordered by bucket start then feedback name
     */
    public static List<BucketStats> aggregate(List<ScoredValue> values, Bucket bucket, double defaultSampleRate) {
        ConfidenceIntervals.populationSize(1, defaultSampleRate); // validates the rate
        record Key(Instant start, String scorer, String name) {}
        Map<Key, List<Assessment>> groups = new TreeMap<>((a, b) -> {
            int c = a.start().compareTo(b.start());
            if (c == 0) {
                c = a.scorer().compareTo(b.scorer());
            }
            return c != 0 ? c : a.name().compareTo(b.name());
        });
        for (ScoredValue v : values) {
            Assessment a = v.assessment();
            if (a.feedback() == null) {
                continue;
            }
            String scorer = a.scorerName() == null ? a.source().sourceId() : a.scorerName();
            groups.computeIfAbsent(new Key(bucket.start(v.traceTime()), scorer, a.name()), k -> new ArrayList<>())
                    .add(a);
        }
        List<BucketStats> out = new ArrayList<>(groups.size());
        groups.forEach((k, list) -> out.add(stats(k.start(), k.scorer(), k.name(), list, defaultSampleRate)));
        return List.copyOf(out);
    }

    /**
     * @param bucketStart the bucket
     * @param scorer the scorer name
     * @param name the feedback name
     * @param assessments its feedback
     * @param defaultSampleRate the rate for values that do not record theirs
     * @return the bucket's stats
     */
    static BucketStats stats(Instant bucketStart, String scorer, String name, List<Assessment> assessments,
            double defaultSampleRate) {
        long errors = 0;
        double[] numbers = new double[assessments.size()];
        double[] numberRates = new double[assessments.size()];
        boolean[] passes = new boolean[assessments.size()];
        double[] passRates = new double[assessments.size()];
        int nNum = 0;
        long passed = 0;
        long judged = 0;
        Map<String, Long> categories = new TreeMap<>();
        double rateSum = 0;
        int rated = 0;
        double firstRate = Double.NaN;
        boolean mixed = false;
        for (Assessment a : assessments) {
            double r = rateOf(a, Double.NaN);
            if (!Double.isNaN(r)) {
                rateSum += r;
                rated++;
            }
            double own = Double.isNaN(r) ? defaultSampleRate : r;
            if (Double.isNaN(firstRate)) {
                firstRate = own;
            } else if (own != firstRate) {
                mixed = true;
            }
            FeedbackValue f = a.feedback();
            if (f.isError()) {
                errors++;
                continue;
            }
            Object v = f.value();
            Boolean pass = passOf(v);
            if (pass != null) {
                passes[(int) judged] = pass;
                passRates[(int) judged] = own;
                judged++;
                if (pass) {
                    passed++;
                }
                numberRates[nNum] = own;
                numbers[nNum++] = pass ? 1 : 0;
            } else if (v instanceof Number num && Double.isFinite(num.doubleValue())) {
                numberRates[nNum] = own;
                numbers[nNum++] = num.doubleValue();
            } else if (v instanceof String s) {
                categories.merge(s, 1L, Long::sum);
            }
        }
        double rate = rated == 0 ? defaultSampleRate : rateSum / rated;
        Optional<BucketStats.NumericSummary> numeric = Optional.empty();
        if (nNum > 0) {
            double[] xs = java.util.Arrays.copyOf(numbers, nNum);
            double mean = Aggregation.MEAN.apply(xs);
            Optional<Interval> meanCi;
            if (mixed) {
                // rates differ within the bucket: weight each value by 1/rate (Hájek), not by the average rate
                WeightedEstimates.Estimate e = WeightedEstimates.hajekMean(xs,
                        java.util.Arrays.copyOf(numberRates, nNum));
                mean = e.value();
                meanCi = Optional.of(e.ci());
            } else {
                meanCi = ConfidenceIntervals.mean(xs, rate);
            }
            numeric = Optional.of(new BucketStats.NumericSummary(nNum, mean,
                    Aggregation.MIN.apply(xs), Aggregation.MAX.apply(xs), Aggregation.MEDIAN.apply(xs),
                    Aggregation.VARIANCE.apply(xs), Aggregation.P90.apply(xs), meanCi));
        }
        Optional<BucketStats.PassRate> passRate = Optional.empty();
        if (judged > 0 && mixed) {
            WeightedEstimates.Estimate e = WeightedEstimates.hajekRate(java.util.Arrays.copyOf(passes, (int) judged),
                    java.util.Arrays.copyOf(passRates, (int) judged));
            passRate = Optional.of(new BucketStats.PassRate(passed, judged, e.value(), e.ci()));
        } else if (judged > 0) {
            passRate = Optional.of(new BucketStats.PassRate(passed, judged, (double) passed / judged,
                    ConfidenceIntervals.wilson(passed, judged, rate)));
        }
        return new BucketStats(bucketStart, scorer, name, assessments.size(), errors, numeric, passRate, categories,
                rate);
    }

    private static double rateOf(Assessment a, double fallback) {
        String r = a.metadata().get(FeedbackAssessment.METADATA_SAMPLE_RATE);
        if (r != null) {
            try {
                double d = Double.parseDouble(r);
                if (d > 0 && d <= 1) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // fall through to the default
            }
        }
        return fallback;
    }

    /** @return true/false for a boolean or yes/no value, else null */
    static Boolean passOf(Object v) {
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
}
