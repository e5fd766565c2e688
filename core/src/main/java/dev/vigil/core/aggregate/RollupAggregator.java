package dev.vigil.core.aggregate;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.support.RollupRules;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link Aggregator}'s statistics computed from hourly {@link Rollup rollups} instead of every value: the same
 * counts, pass rates, means, variances, categories and 95 % intervals (Wilson with finite-population correction or
 * Student's t at one sample rate; Hájek's weighted estimates when a bucket mixes rates — each rollup row holds one
 * rate, so its weighted sums are its plain sums divided by that rate). Equal to the full scan's up to floating-point
 * rounding. Rollups keep no order statistics: a numeric summary's min, max, median and p90 are NaN.
 */
public final class RollupAggregator {

    private RollupAggregator() {}

    /**
     * The rows of one scorer's feedback on traces with request time in exactly [from, to): whole hours from the
     * store's rollups, the partial hours at either end from the values themselves. Falls back to reading every
     * value when the store keeps no rollups or they are not {@linkplain dev.vigil.spi.store.RollupStore#ready
     * ready}.
     *
     * @param store the store
     * @param experimentId the experiment
     * @param scorerName the scorer
     * @param version a scorer version to keep only, or 0 for all
     * @param from inclusive
     * @param to exclusive
     * @return the rows, in key order
     */
    public static List<Rollup> rows(Store store, String experimentId, String scorerName, int version, Instant from,
            Instant to) {
        Instant firstHour = ceilHour(from);
        Instant lastHour = to.truncatedTo(ChronoUnit.HOURS);
        List<Rollup> rows;
        if (!firstHour.isBefore(lastHour) || !usable(store)) {
            rows = scan(store, experimentId, scorerName, from, to);
        } else {
            RollupRules.Accumulator acc = new RollupRules.Accumulator();
            scan(store, experimentId, scorerName, from, firstHour).forEach(acc::add);
            store.rollups().hourly(experimentId, scorerName, firstHour, lastHour).forEach(acc::add);
            scan(store, experimentId, scorerName, lastHour, to).forEach(acc::add);
            rows = acc.rows();
        }
        return version == 0 ? rows : rows.stream().filter(r -> r.key().scorerVersion() == version).toList();
    }

    /**
     * @param store a store
     * @return whether it keeps rollups and they are ready
     */
    public static boolean usable(Store store) {
        try {
            return store.rollups().ready();
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    private static List<Rollup> scan(Store store, String experimentId, String scorer, Instant from, Instant to) {
        if (!from.isBefore(to)) {
            return List.of();
        }
        return RollupRules.of(experimentId, store.assessments().valuesByScorer(experimentId, scorer, from, to));
    }

    private static Instant ceilHour(Instant t) {
        Instant floor = t.truncatedTo(ChronoUnit.HOURS);
        return floor.equals(t) ? t : floor.plus(1, ChronoUnit.HOURS);
    }

    /**
     * @param rows rollup rows (of one scorer)
     * @param bucket hour or day
     * @param defaultSampleRate the rate assumed for feedback that did not record one, in (0, 1]
     * @return the stats per bucket and feedback name, as {@link Aggregator#aggregate} orders them
     * @throws InvalidInputException for a bucket finer than an hour
     */
    public static List<BucketStats> aggregate(List<Rollup> rows, Bucket bucket, double defaultSampleRate) {
        if (bucket == Bucket.MINUTE) {
            throw new InvalidInputException("rollups are hourly; aggregate by hour or day, or scan the values for "
                    + "minutes");
        }
        return group(rows, bucket, defaultSampleRate, false);
    }

    /**
     * @param rows rollup rows (of one scorer)
     * @param defaultSampleRate the rate assumed for feedback that did not record one
     * @return one stats per feedback name over all the rows, with bucket start {@link Instant#EPOCH}
     */
    public static List<BucketStats> whole(List<Rollup> rows, double defaultSampleRate) {
        return group(rows, Bucket.DAY, defaultSampleRate, true);
    }

    private static List<BucketStats> group(List<Rollup> rows, Bucket bucket, double defaultSampleRate,
            boolean whole) {
        ConfidenceIntervals.populationSize(1, defaultSampleRate); // validates the rate
        record Key(Instant start, String scorer, String name) {}
        Map<Key, List<Rollup>> groups = new TreeMap<>((a, b) -> {
            int c = a.start().compareTo(b.start());
            if (c == 0) {
                c = a.scorer().compareTo(b.scorer());
            }
            return c != 0 ? c : a.name().compareTo(b.name());
        });
        for (Rollup r : rows) {
            Instant start = whole ? Instant.EPOCH : bucket.start(r.key().hour());
            groups.computeIfAbsent(new Key(start, r.key().scorerName(), r.key().feedbackName()),
                    k -> new ArrayList<>()).add(r);
        }
        List<BucketStats> out = new ArrayList<>(groups.size());
        groups.forEach((k, list) -> out.add(stats(k.start(), k.scorer(), k.name(), list, defaultSampleRate)));
        return List.copyOf(out);
    }

    /** The stats of one bucket from its rows, as {@code Aggregator.stats} computes them from the values. */
    static BucketStats stats(Instant bucketStart, String scorer, String name, List<Rollup> rows,
            double defaultSampleRate) {
        long count = 0;
        long errors = 0;
        long rated = 0;
        double rateSum = 0;
        long nNum = 0;
        double sum = 0;
        double sumSq = 0;
        long judged = 0;
        long passed = 0;
        Map<String, Long> categories = new TreeMap<>();
        Set<Double> rates = new HashSet<>();
        for (Rollup r : rows) {
            count += r.count();
            errors += r.errors();
            if (r.key().hasRate()) {
                rated += r.count();
                rateSum += r.count() * r.key().sampleRate();
            }
            if (r.count() > 0) {
                rates.add(own(r, defaultSampleRate));
            }
            nNum += r.numericCount();
            sum += r.sum();
            sumSq += r.sumOfSquares();
            judged += r.judged();
            passed += r.passed();
            r.categories().forEach((k, v) -> categories.merge(k, v, Long::sum));
        }
        boolean mixed = rates.size() > 1;
        double rate = rated == 0 ? defaultSampleRate : rateSum / rated;
        Optional<BucketStats.NumericSummary> numeric = Optional.empty();
        if (nNum > 0) {
            double mean = sum / nNum;
            double variance = Math.max(0, sumSq / nNum - mean * mean);
            Optional<Interval> meanCi;
            if (mixed) {
                WeightedEstimates.Estimate e = hajek(rows, defaultSampleRate, false);
                mean = e.value();
                meanCi = Optional.of(e.ci());
            } else {
                meanCi = ConfidenceIntervals.mean(nNum, mean, variance * nNum, rate);
            }
            numeric = Optional.of(new BucketStats.NumericSummary(nNum, mean, Double.NaN, Double.NaN, Double.NaN,
                    variance, Double.NaN, meanCi));
        }
        Optional<BucketStats.PassRate> passRate = Optional.empty();
        if (judged > 0 && mixed) {
            WeightedEstimates.Estimate e = hajek(rows, defaultSampleRate, true);
            passRate = Optional.of(new BucketStats.PassRate(passed, judged, e.value(),
                    new Interval(Math.max(0, e.ci().low()), Math.min(1, e.ci().high()))));
        } else if (judged > 0) {
            passRate = Optional.of(new BucketStats.PassRate(passed, judged, (double) passed / judged,
                    ConfidenceIntervals.wilson(passed, judged, rate)));
        }
        return new BucketStats(bucketStart, scorer, name, count, errors, numeric, passRate, categories, rate);
    }

    private static double own(Rollup r, double defaultSampleRate) {
        return r.key().hasRate() ? r.key().sampleRate() : defaultSampleRate;
    }

    /**
     * {@link WeightedEstimates#hajekMean} from sums: with every value of a row at rate π, {@code Σ1/π = n/π},
     * {@code Σx/π = s/π} and {@code Σ(1-π)(x-μ)²/π² = (1-π)/π² (Σx² - 2μΣx + μ²n)}.
     */
    private static WeightedEstimates.Estimate hajek(List<Rollup> rows, double defaultSampleRate, boolean passes) {
        double n = 0;
        double t = 0;
        for (Rollup r : rows) {
            double pi = own(r, defaultSampleRate);
            n += (passes ? r.judged() : r.numericCount()) / pi;
            t += (passes ? r.passed() : r.sum()) / pi;
        }
        double mean = t / n;
        double v = 0;
        for (Rollup r : rows) {
            double pi = own(r, defaultSampleRate);
            double k = passes ? r.judged() : r.numericCount();
            double s = passes ? r.passed() : r.sum();
            double sq = passes ? r.passed() : r.sumOfSquares();
            v += (1 - pi) / (pi * pi) * Math.max(0, sq - 2 * mean * s + mean * mean * k);
        }
        double half = ConfidenceIntervals.Z_975 * Math.sqrt(v) / n;
        return new WeightedEstimates.Estimate(mean, n, new Interval(mean - half, mean + half));
    }
}
