package dev.vigil.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConfidenceIntervalsTest {

    @Test
    void tQuantile_matchesTheTable() {
        assertThat(ConfidenceIntervals.tQuantile975(1)).isCloseTo(12.706, within(0.001));
        assertThat(ConfidenceIntervals.tQuantile975(2)).isCloseTo(4.303, within(0.001));
        assertThat(ConfidenceIntervals.tQuantile975(3)).isCloseTo(3.182, within(0.005));
        assertThat(ConfidenceIntervals.tQuantile975(5)).isCloseTo(2.571, within(0.002));
        assertThat(ConfidenceIntervals.tQuantile975(10)).isCloseTo(2.228, within(0.001));
        assertThat(ConfidenceIntervals.tQuantile975(30)).isCloseTo(2.042, within(0.001));
        assertThat(ConfidenceIntervals.tQuantile975(1000)).isCloseTo(1.962, within(0.001));
    }

    @Test
    void wilson_ofAHalfOnTinyRate_isTheTextbookInterval() {
        // n = 100, p = 0.5, population effectively infinite: Wilson gives [0.4038, 0.5962]
        Interval ci = ConfidenceIntervals.wilson(50, 100, 1e-6);
        assertThat(ci.low()).isCloseTo(0.4038, within(0.0005));
        assertThat(ci.high()).isCloseTo(0.5962, within(0.0005));
    }

    @Test
    void wilson_atRateOne_isThePoint_andNarrowsAsTheRateGrows() {
        Interval full = ConfidenceIntervals.wilson(30, 100, 1.0);
        assertThat(full.low()).isEqualTo(0.3);
        assertThat(full.high()).isEqualTo(0.3);
        Interval half = ConfidenceIntervals.wilson(30, 100, 0.5);
        Interval tenth = ConfidenceIntervals.wilson(30, 100, 0.1);
        assertThat(half.width()).isLessThan(tenth.width());
        assertThat(tenth.contains(0.3)).isTrue();
    }

    @Test
    void wilson_atZeroPasses_staysInsideZeroOne() {
        Interval ci = ConfidenceIntervals.wilson(0, 20, 0.1);
        assertThat(ci.low()).isEqualTo(0.0);
        assertThat(ci.high()).isBetween(0.1, 0.2);
    }

    /** Coverage of the population pass rate from 10 % samples, fixed seed, stated tolerance: 95 % ± 2.5 %. */
    @Test
    void wilsonWithFpc_coversThePopulationPassRateAbout95PercentOfTheTime() {
        SplittableRandom random = new SplittableRandom(42);
        int population = 2_000;
        boolean[] pass = new boolean[population];
        int passes = 0;
        for (int i = 0; i < population; i++) {
            pass[i] = random.nextDouble() < 0.3;
            passes += pass[i] ? 1 : 0;
        }
        double truth = (double) passes / population;
        int covered = 0;
        int runs = 2_000;
        for (int r = 0; r < runs; r++) {
            int n = 0;
            int k = 0;
            for (int i = 0; i < population; i++) {
                if (random.nextDouble() < 0.1) {
                    n++;
                    k += pass[i] ? 1 : 0;
                }
            }
            if (ConfidenceIntervals.wilson(k, n, 0.1).contains(truth)) {
                covered++;
            }
        }
        assertThat((double) covered / runs).isBetween(0.925, 0.975);
    }

    /** Coverage of the population mean from 20 % samples of a skewed population: 95 % ± 2.5 %. */
    @Test
    void meanWithFpc_coversThePopulationMeanAbout95PercentOfTheTime() {
        SplittableRandom random = new SplittableRandom(7);
        int population = 1_000;
        double[] values = new double[population];
        double sum = 0;
        for (int i = 0; i < population; i++) {
            values[i] = Math.floor(random.nextDouble() * 5) + 1; // 1..5 ratings
            sum += values[i];
        }
        double truth = sum / population;
        int covered = 0;
        int runs = 2_000;
        for (int r = 0; r < runs; r++) {
            double[] sample = new double[population];
            int n = 0;
            for (int i = 0; i < population; i++) {
                if (random.nextDouble() < 0.2) {
                    sample[n++] = values[i];
                }
            }
            Interval ci = ConfidenceIntervals.mean(java.util.Arrays.copyOf(sample, n), 0.2).orElseThrow();
            if (ci.contains(truth)) {
                covered++;
            }
        }
        assertThat((double) covered / runs).isBetween(0.925, 0.975);
    }

    @Test
    void mean_ofOneValueFromAPartialSample_hasNoInterval_butAtRateOneIsThePoint() {
        assertThat(ConfidenceIntervals.mean(new double[] {3}, 0.5)).isEmpty();
        assertThat(ConfidenceIntervals.mean(new double[] {3}, 1.0)).contains(new Interval(3, 3));
    }
}
