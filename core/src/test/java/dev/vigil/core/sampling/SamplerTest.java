package dev.vigil.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SamplerTest {

    /** 200,000 MLflow V3 trace ids ({@code tr-} + 32 hex digits) from a fixed seed. */
    private static final List<String> IDS = traceIds(200_000, 42L);

    /**
     * Tolerance of the realised rate: 5 standard deviations of the binomial count, sqrt(N p (1 - p)). A fair
     * sampler fails this with probability below 1e-6; the ids and the seed are fixed, so the result is
     * deterministic.
     */
    private static final double SIGMAS = 5.0;

    static List<String> traceIds(int n, long seed) {
        Random r = new Random(seed);
        List<String> ids = new ArrayList<>(n);
        byte[] b = new byte[16];
        for (int i = 0; i < n; i++) {
            r.nextBytes(b);
            ids.add("tr-" + HexFormat.of().formatHex(b));
        }
        return ids;
    }

    private static int kept(Sampler s, String scorer, double rate) {
        long threshold = Sampler.threshold(rate);
        int kept = 0;
        for (String id : IDS) {
            if (Sampler.keep(s.hash(id, scorer), threshold)) {
                kept++;
            }
        }
        return kept;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.001, 0.05, 0.5, 0.7, 1.0})
    void realisedRate_isWithinFiveSigmaOfTheBinomial_nested(double rate) {
        int n = IDS.size();
        int kept = kept(Sampler.nested(Sampler.DEFAULT_SEED), "any", rate);
        double expected = n * rate;
        double tolerance = SIGMAS * Math.sqrt(n * rate * (1 - rate));
        assertThat((double) kept).isBetween(expected - tolerance, expected + tolerance);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.001, 0.05, 0.5, 0.7, 1.0})
    void realisedRate_isWithinFiveSigmaOfTheBinomial_independent(double rate) {
        int n = IDS.size();
        int kept = kept(Sampler.independent(7L), "safety", rate);
        double expected = n * rate;
        double tolerance = SIGMAS * Math.sqrt(n * rate * (1 - rate));
        assertThat((double) kept).isBetween(expected - tolerance, expected + tolerance);
    }

    @Test
    void realisedRate_isUnbiased_forSequentialNonHexIds() {
        // ids that differ only in their last characters: the avalanche must still spread them
        int n = 100_000;
        double rate = 0.1;
        Sampler s = Sampler.nested(1L);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (s.keep("request-" + i, null, rate)) {
                kept++;
            }
        }
        double tolerance = SIGMAS * Math.sqrt(n * rate * (1 - rate));
        assertThat((double) kept).isBetween(n * rate - tolerance, n * rate + tolerance);
    }

    @Test
    void higherRate_keepsASupersetOfLowerRate() {
        Sampler s = Sampler.nested(Sampler.DEFAULT_SEED);
        double[] rates = {0.0, 0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999, 1.0};
        for (String id : IDS.subList(0, 50_000)) {
            boolean keptBelow = false;
            for (double rate : rates) {
                boolean k = s.keep(id, "x", rate);
                if (keptBelow) {
                    assertThat(k).as("%s kept at a lower rate but not at %s", id, rate).isTrue();
                }
                keptBelow = k;
            }
        }
    }

    @Test
    void thresholds_areMonotonicInTheRate() {
        long previous = Sampler.threshold(0.0);
        for (int i = 1; i <= 10_000; i++) {
            long t = Sampler.threshold(i / 10_000.0);
            assertThat(Long.compareUnsigned(t, previous)).isGreaterThanOrEqualTo(0);
            previous = t;
        }
        assertThat(Sampler.threshold(1.0)).isEqualTo(Sampler.KEEP_ALL);
        assertThat(Sampler.threshold(0.0)).isEqualTo(Sampler.KEEP_NONE);
        assertThat(Sampler.threshold(0.5)).isEqualTo(1L << 62);
    }

    @Test
    void rateOne_keepsEveryTrace_andRateZero_keepsNone() {
        for (Sampler s : List.of(Sampler.nested(3L), Sampler.independent(3L))) {
            assertThat(kept(s, "a", 1.0)).isEqualTo(IDS.size());
            assertThat(kept(s, "a", 0.0)).isZero();
        }
        // the extreme hashes too
        assertThat(Sampler.keep(-1L, Sampler.threshold(1.0))).isTrue();
        assertThat(Sampler.keep(0L, Sampler.threshold(0.0))).isFalse();
        assertThat(Sampler.keep(0L, Sampler.threshold(Double.MIN_VALUE))).isFalse();
        assertThat(Sampler.keep(0L, Sampler.threshold(1e-18))).isTrue();
    }

    @Test
    void nested_givesEveryScorerTheSameDecision() {
        Sampler s = Sampler.nested(11L);
        for (String id : IDS.subList(0, 10_000)) {
            assertThat(s.keep(id, "safety", 0.3)).isEqualTo(s.keep(id, "relevance", 0.3));
        }
    }

    @Test
    void independent_drawsDifferentSamplesPerScorer_overlappingAsIndependentDraws() {
        Sampler s = Sampler.independent(11L);
        long ta = Sampler.threshold(0.5);
        int both = 0;
        int a = 0;
        for (String id : IDS) {
            boolean ka = Sampler.keep(s.hash(id, "safety"), ta);
            boolean kb = Sampler.keep(s.hash(id, "relevance"), ta);
            a += ka ? 1 : 0;
            both += ka && kb ? 1 : 0;
        }
        int n = IDS.size();
        // independent draws overlap on p^2 = 25% of the traces, nested ones on 50%
        double tolerance = SIGMAS * Math.sqrt(n * 0.25 * 0.75);
        assertThat((double) both).isBetween(n * 0.25 - tolerance, n * 0.25 + tolerance);
        assertThat(a).isGreaterThan(both);
    }

    @Test
    void hash_isAPureFunctionOfSeedAndId_pinnedAcrossVersions() {
        // Pinned values: changing the hash would change which traces every stored sample and backfill picks.
        Sampler s = Sampler.nested(Sampler.DEFAULT_SEED);
        String id = "tr-0123456789abcdef0123456789abcdef";
        assertThat(s.hash(id, "ignored")).isEqualTo(s.hash(id, null)).isEqualTo(PINNED_NESTED);
        assertThat(Sampler.independent(Sampler.DEFAULT_SEED).hash(id, "safety")).isEqualTo(PINNED_INDEPENDENT);
        assertThat(Sampler.nested(Sampler.DEFAULT_SEED + 1).hash(id, null)).isNotEqualTo(PINNED_NESTED);
    }

    static final long PINNED_NESTED = 7157396825919894296L;
    static final long PINNED_INDEPENDENT = 7468525794290217754L;

    @Test
    void independentHash_separatesTraceIdFromScorerName() {
        Sampler s = Sampler.independent(5L);
        assertThat(s.hash("ab", "c")).isNotEqualTo(s.hash("a", "bc"));
        assertThat(s.hash("", "abc")).isNotEqualTo(s.hash("abc", ""));
    }

    @Test
    void threshold_rejectsRatesOutsideZeroOne_andNaN() {
        for (double bad : new double[] {-0.1, 1.0000001, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> Sampler.threshold(bad)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("sample rate must be a number in [0, 1], got " + bad);
        }
    }

    @Test
    void independent_requiresAScorerName() {
        assertThatThrownBy(() -> Sampler.independent(1L).hash("tr-1", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("scorerName");
    }

    @Test
    void samplers_withSameModeAndSeed_areEqual() {
        assertThat(Sampler.nested(4L)).isEqualTo(Sampler.nested(4L)).isNotEqualTo(Sampler.independent(4L));
        assertThat(Sampler.defaultSampler().seed()).isEqualTo(Sampler.DEFAULT_SEED);
        assertThat(Sampler.defaultSampler().isNested()).isTrue();
    }
}
