package dev.vigil.core.aggregate;

import dev.vigil.spi.InvalidInputException;

/**
 * Estimates over a bucket whose values were sampled at different rates (a scorer whose rate changed, versions with
 * different rates): each value is weighted by the inverse of its inclusion probability. Vigil's sampler keeps each
 * trace independently with its rate (Poisson sampling), so:
 * <ul>
 *   <li>population size {@code N̂ = Σ 1/πᵢ} and total {@code T̂ = Σ xᵢ/πᵢ} (Horvitz–Thompson), with
 *       {@code V̂(T̂) = Σ (1-πᵢ) xᵢ²/πᵢ²};</li>
 *   <li>mean and pass rate {@code μ̂ = T̂ / N̂} (Hájek), with the linearised
 *       {@code V̂(μ̂) = Σ (1-πᵢ)(xᵢ-μ̂)²/πᵢ² / N̂²};</li>
 * </ul>
 * and 95 % normal intervals. A value drawn at rate 1 adds no variance (it is certain to be in the sample).
 */
public final class WeightedEstimates {

    private WeightedEstimates() {}

    /**
     * An estimate with its 95 % interval.
     *
     * @param value the estimate
     * @param populationSize the estimated population size {@code Σ 1/πᵢ}
     * @param ci the 95 % interval
     */
    public record Estimate(double value, double populationSize, Interval ci) {}

    /**
     * @param x the values
     * @param pi each value's inclusion probability (sample rate), in (0, 1]
     * @return the Hájek mean; its interval is empty-width when every rate is 1
     */
    public static Estimate hajekMean(double[] x, double[] pi) {
        check(x, pi);
        double n = 0;
        double t = 0;
        for (int i = 0; i < x.length; i++) {
            n += 1 / pi[i];
            t += x[i] / pi[i];
        }
        double mean = t / n;
        double v = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mean;
            v += (1 - pi[i]) * d * d / (pi[i] * pi[i]);
        }
        double half = ConfidenceIntervals.Z_975 * Math.sqrt(v) / n;
        return new Estimate(mean, n, new Interval(mean - half, mean + half));
    }

    /**
     * @param passed whether each value passed
     * @param pi each value's inclusion probability
     * @return the Hájek pass rate, its interval clipped to [0, 1]
     */
    public static Estimate hajekRate(boolean[] passed, double[] pi) {
        double[] x = new double[passed.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = passed[i] ? 1 : 0;
        }
        Estimate e = hajekMean(x, pi);
        return new Estimate(e.value(), e.populationSize(),
                new Interval(Math.max(0, e.ci().low()), Math.min(1, e.ci().high())));
    }

    /**
     * @param x the values
     * @param pi each value's inclusion probability
     * @return the Horvitz–Thompson total
     */
    public static Estimate htTotal(double[] x, double[] pi) {
        check(x, pi);
        double n = 0;
        double t = 0;
        double v = 0;
        for (int i = 0; i < x.length; i++) {
            n += 1 / pi[i];
            t += x[i] / pi[i];
            v += (1 - pi[i]) * x[i] * x[i] / (pi[i] * pi[i]);
        }
        double half = ConfidenceIntervals.Z_975 * Math.sqrt(v);
        return new Estimate(t, n, new Interval(t - half, t + half));
    }

    private static void check(double[] x, double[] pi) {
        if (x.length == 0 || x.length != pi.length) {
            throw new InvalidInputException("need as many rates as values, and at least one value; got "
                    + x.length + " values and " + pi.length + " rates");
        }
        for (double p : pi) {
            if (!(p > 0) || p > 1) {
                throw new InvalidInputException("sample rate must be in (0, 1], got " + p);
            }
        }
    }
}
