package dev.vigil.core.aggregate;

import dev.vigil.spi.InvalidInputException;
import java.util.Optional;

/**
 * 95 % confidence intervals of a <em>population</em> value from a sample drawn without replacement: the
 * population is the traces the scorer would have scored at rate 1 (those matching its filter), of which a
 * fraction {@code sampleRate} was scored, so its size is estimated as {@code N = round(n / sampleRate)}.
 *
 * <ul>
 *   <li>Proportions (pass rates): the Wilson score interval with a finite-population correction, applied by
 *       using the effective sample size {@code n' = n (N - 1) / (N - n)} (Wilson's variance {@code p(1-p)/n}
 *       multiplied by the FPC {@code (N - n)/(N - 1)}). At rate 1 the interval is the observed value.</li>
 *   <li>Means: Student's t interval {@code mean ± t(0.975, n-1) · s/√n · √((N - n)/(N - 1))}, with {@code s}
 *       the sample standard deviation; the t quantile is exact for 1 and 2 degrees of freedom and the
 *       Cornish–Fisher expansion beyond (error below 0.005 from 3 degrees of freedom on).</li>
 * </ul>
 */
public final class ConfidenceIntervals {

    /** The 0.975 quantile of the standard normal distribution. */
    public static final double Z_975 = 1.959963984540054;

    private ConfidenceIntervals() {}

    /**
     * @param n sample size, 1 or more
     * @param sampleRate the rate it was drawn at, in (0, 1]
     * @return the estimated population size, at least {@code n}
     */
    public static long populationSize(long n, double sampleRate) {
        if (!(sampleRate > 0) || sampleRate > 1) {
            throw new InvalidInputException("sample rate must be in (0, 1], got " + sampleRate);
        }
        return Math.max(n, Math.round(n / sampleRate));
    }

    /**
     * @param passed successes
     * @param n trials, 1 or more
     * @param sampleRate the rate the sample was drawn at
     * @return the Wilson interval with finite-population correction
     */
    public static Interval wilson(long passed, long n, double sampleRate) {
        if (n < 1 || passed < 0 || passed > n) {
            throw new InvalidInputException("need 0 <= passed <= n and n >= 1, got passed " + passed + ", n " + n);
        }
        double p = (double) passed / n;
        long population = populationSize(n, sampleRate);
        if (population <= n) {
            return new Interval(p, p); // the whole population was scored
        }
        double effective = n * (double) (population - 1) / (population - n);
        double z2 = Z_975 * Z_975;
        double denom = 1 + z2 / effective;
        double center = (p + z2 / (2 * effective)) / denom;
        double half = Z_975 / denom * Math.sqrt(p * (1 - p) / effective + z2 / (4 * effective * effective));
        double low = passed == 0 ? 0 : Math.max(0, center - half); // exact at the ends, not rounding noise
        double high = passed == n ? 1 : Math.min(1, center + half);
        return new Interval(low, high);
    }

    /**
     * @param values the sample (not modified)
     * @param sampleRate the rate it was drawn at
     * @return the t interval of the population mean, or empty if it cannot be estimated (one value from a
     *     partial sample)
     */
    public static Optional<Interval> mean(double[] values, double sampleRate) {
        int n = values.length;
        if (n == 0) {
            return Optional.empty();
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return mean(n, mean, ss, sampleRate);
    }

    /**
     * The same interval from a sample's moments (as rollups keep them).
     *
     * @param n sample size
     * @param mean the sample mean
     * @param sumOfSquaredDeviations {@code Σ (x - mean)²}
     * @param sampleRate the rate it was drawn at
     * @return the t interval of the population mean, or empty if it cannot be estimated
     */
    public static Optional<Interval> mean(long n, double mean, double sumOfSquaredDeviations, double sampleRate) {
        if (n == 0) {
            return Optional.empty();
        }
        long population = populationSize(n, sampleRate);
        if (population <= n) {
            return Optional.of(new Interval(mean, mean));
        }
        if (n < 2) {
            return Optional.empty();
        }
        double sd = Math.sqrt(Math.max(0, sumOfSquaredDeviations) / (n - 1));
        double fpc = Math.sqrt((double) (population - n) / (population - 1));
        double half = tQuantile975(n - 1) * sd / Math.sqrt(n) * fpc;
        return Optional.of(new Interval(mean - half, mean + half));
    }

    /**
     * @param df degrees of freedom, 1 or more
     * @return the 0.975 quantile of Student's t distribution
     */
    public static double tQuantile975(long df) {
        if (df < 1) {
            throw new InvalidInputException("degrees of freedom must be 1 or more, got " + df);
        }
        if (df == 1) {
            return 12.706204736174707; // tan(pi * 0.475)
        }
        if (df == 2) {
            double p = 0.975;
            return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
        }
        double z = Z_975;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        double z7 = z5 * z * z;
        double z9 = z7 * z * z;
        double g1 = (z3 + z) / 4;
        double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
        double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
        double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
        double v = df;
        return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
    }
}
