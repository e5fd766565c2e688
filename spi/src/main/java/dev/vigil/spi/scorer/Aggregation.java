package dev.vigil.spi.scorer;

import dev.vigil.spi.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * How a scorer's numeric values are summarised over many traces. Booleans and "yes"/"no" count as 1/0.
 * The built-ins are MLflow's: {@code mean}, {@code min}, {@code max}, {@code median}, {@code variance},
 * {@code p90}; any other is a named custom function.
 */
public interface Aggregation {

    /** @return the name, e.g. {@code mean} */
    String name();

    /**
     * @param values the values, never empty (callers skip empty sets)
     * @return the summary
     */
    double apply(double[] values);

    /** Arithmetic mean. */
    Aggregation MEAN = of("mean", v -> Arrays.stream(v).average().orElse(Double.NaN));
    /** Smallest value. */
    Aggregation MIN = of("min", v -> Arrays.stream(v).min().orElse(Double.NaN));
    /** Largest value. */
    Aggregation MAX = of("max", v -> Arrays.stream(v).max().orElse(Double.NaN));
    /** Median (mean of the two middle values for an even count). */
    Aggregation MEDIAN = of("median", v -> percentile(v, 50));
    /** Population variance, as numpy's default. */
    Aggregation VARIANCE = of("variance", v -> {
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double sum = 0;
        for (double x : v) {
            sum += (x - mean) * (x - mean);
        }
        return sum / v.length;
    });
    /** 90th percentile, linear interpolation (numpy's default). */
    Aggregation P90 = of("p90", v -> percentile(v, 90));

    /** The built-ins, in MLflow's order. */
    List<Aggregation> BUILT_IN = List.of(MEAN, MIN, MAX, MEDIAN, VARIANCE, P90);

    /**
     * @param name a custom name
     * @param function the function
     * @return a named aggregation
     */
    static Aggregation of(String name, ToDoubleFunction<double[]> function) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        return new Aggregation() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double apply(double[] values) {
                return function.applyAsDouble(values);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * @param name one of the built-in names
     * @return that aggregation
     * @throws InvalidInputException for any other name, listing the built-ins
     */
    static Aggregation named(String name) {
        for (Aggregation a : BUILT_IN) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new InvalidInputException("unknown aggregation '" + name
                + "'; the built-in aggregations are mean, min, max, median, variance, p90");
    }

    /**
     * @param values values (not modified)
     * @param percent 0..100
     * @return the percentile with linear interpolation between closest ranks
     */
    static double percentile(double[] values, double percent) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = percent / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
