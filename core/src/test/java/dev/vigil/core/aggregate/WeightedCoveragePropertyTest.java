package dev.vigil.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property: the 95 % intervals Vigil reports cover the population value in 93–97 % of 2,000 simulated runs, at a
 * constant rate of 0.05, of 0.3, and with mixed rates (half the population sampled at 0.05, half at 0.3, the two
 * halves with different values, so that an unweighted estimate would be biased). Each run samples a fixed finite
 * population the way Vigil's sampler does (each trace independently with its rate). Pure computation, seeded.
 */
class WeightedCoveragePropertyTest {

    private static final int RUNS = 2_000;
    private static final int POPULATION = 3_000;

    /** One simulated configuration: per trace its rate, pass/fail and numeric value. */
    private record Population(double[] rates, boolean[] pass, double[] value) {
        double passRate() {
            int n = 0;
            for (boolean b : pass) {
                n += b ? 1 : 0;
            }
            return (double) n / pass.length;
        }

        double mean() {
            return Arrays.stream(value).average().orElseThrow();
        }

        boolean mixed() {
            return Arrays.stream(rates).distinct().count() > 1;
        }
    }

    private static Population population(long seed, double lowRate, double highRate) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] rates = new double[POPULATION];
        boolean[] pass = new boolean[POPULATION];
        double[] value = new double[POPULATION];
        for (int i = 0; i < POPULATION; i++) {
            boolean low = i % 2 == 0;
            rates[i] = low ? lowRate : highRate;
            pass[i] = r.nextDouble() < (low ? 0.2 : 0.6);
            value[i] = (low ? 2.0 : 5.0) + r.nextGaussian();
        }
        return new Population(rates, pass, value);
    }

    /** @return the share of runs whose [pass rate, mean] intervals covered the population values */
    private static double[] coverage(Population p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int passCovered = 0;
        int meanCovered = 0;
        double truePass = p.passRate();
        double trueMean = p.mean();
        double[] xs = new double[POPULATION];
        double[] pis = new double[POPULATION];
        boolean[] ps = new boolean[POPULATION];
        for (int run = 0; run < RUNS; run++) {
            int n = 0;
            int passed = 0;
            for (int i = 0; i < POPULATION; i++) {
                if (r.nextDouble() < p.rates()[i]) {
                    xs[n] = p.value()[i];
                    pis[n] = p.rates()[i];
                    ps[n] = p.pass()[i];
                    passed += p.pass()[i] ? 1 : 0;
                    n++;
                }
            }
            Interval passCi;
            Interval meanCi;
            if (p.mixed()) {
                passCi = WeightedEstimates.hajekRate(Arrays.copyOf(ps, n), Arrays.copyOf(pis, n)).ci();
                meanCi = WeightedEstimates.hajekMean(Arrays.copyOf(xs, n), Arrays.copyOf(pis, n)).ci();
            } else {
                passCi = ConfidenceIntervals.wilson(passed, n, p.rates()[0]);
                meanCi = ConfidenceIntervals.mean(Arrays.copyOf(xs, n), p.rates()[0]).orElseThrow();
            }
            passCovered += passCi.low() <= truePass && truePass <= passCi.high() ? 1 : 0;
            meanCovered += meanCi.low() <= trueMean && trueMean <= meanCi.high() ? 1 : 0;
        }
        return new double[] {(double) passCovered / RUNS, (double) meanCovered / RUNS};
    }

    @Test
    void intervals_coverThePopulationValue_atRate005() {
        double[] c = coverage(population(1, 0.05, 0.05), 11);
        assertThat(c[0]).as("pass rate coverage").isBetween(0.93, 0.97);
        assertThat(c[1]).as("mean coverage").isBetween(0.93, 0.97);
    }

    @Test
    void intervals_coverThePopulationValue_atRate03() {
        double[] c = coverage(population(2, 0.3, 0.3), 12);
        assertThat(c[0]).as("pass rate coverage").isBetween(0.93, 0.97);
        assertThat(c[1]).as("mean coverage").isBetween(0.93, 0.97);
    }

    @Test
    void hajekIntervals_coverThePopulationValue_withMixedRates() {
        double[] c = coverage(population(3, 0.05, 0.3), 13);
        assertThat(c[0]).as("pass rate coverage").isBetween(0.93, 0.97);
        assertThat(c[1]).as("mean coverage").isBetween(0.93, 0.97);
    }

    @Test
    void unweightedMean_withMixedRates_wouldBeBiased() {
        // the reason for weighting: the plain sample mean over-represents the half sampled at 0.3
        Population p = population(3, 0.05, 0.3);
        SplittableRandom r = new SplittableRandom(99);
        double sum = 0;
        int n = 0;
        for (int i = 0; i < POPULATION; i++) {
            if (r.nextDouble() < p.rates()[i]) {
                sum += p.value()[i];
                n++;
            }
        }
        assertThat(sum / n - p.mean()).isGreaterThan(0.8); // about 5*6/7 + 2/7 - 3.5 ≈ 1.07
    }
}
