package dev.vigil.core.aggregate;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One scorer's feedback of one name in one time bucket.
 *
 * @param bucketStart the bucket's start
 * @param scorerName the scorer
 * @param feedbackName the feedback (assessment) name
 * @param count feedback values in the bucket, errors included
 * @param errors error feedback
 * @param numeric summary of the numeric values (numbers; booleans and yes/no as 1/0), if any
 * @param passRate share of true / "yes" among boolean and yes/no values, if any
 * @param categories counts per categorical (other string) value
 * @param sampleRate the sample rate the values were drawn at (mean of the rates recorded on them)
 */
public record BucketStats(Instant bucketStart, String scorerName, String feedbackName, long count, long errors,
        Optional<NumericSummary> numeric, Optional<PassRate> passRate, Map<String, Long> categories,
        double sampleRate) {

    /** Validates and freezes. */
    public BucketStats {
        Objects.requireNonNull(bucketStart, "bucketStart");
        Objects.requireNonNull(numeric, "numeric");
        Objects.requireNonNull(passRate, "passRate");
        categories = Map.copyOf(categories);
    }

    /**
     * Numeric summary of a bucket, with the 95 % confidence interval of the population mean.
     *
     * @param n values
     * @param mean mean of the values; when the bucket mixes sample rates, the Hájek estimate of the population mean
 *     (each value weighted by 1/rate, see {@link WeightedEstimates})
     * @param min smallest
     * @param max largest
     * @param median median
     * @param variance population variance of the values (numpy's default, as MLflow)
     * @param p90 90th percentile
     * @param meanCi 95 % interval of the population mean (empty for a single value from a partial sample)
     */
    public record NumericSummary(long n, double mean, double min, double max, double median, double variance,
            double p90, Optional<Interval> meanCi) {}

    /**
     * A pass rate, with the 95 % confidence interval of the population pass rate.
     *
     * @param passed true / yes values
     * @param n boolean and yes/no values
     * @param rate passed / n; when the bucket mixes sample rates, the Hájek estimate of the population pass rate
     * @param ci 95 % Wilson interval with finite-population correction (Hájek's linearised normal interval when the
 *     bucket mixes sample rates)
     */
    public record PassRate(long passed, long n, double rate, Interval ci) {}
}
