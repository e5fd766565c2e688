package dev.vigil.cli.report;

/**
 * A summary of one scorer's values over a set of traces: pass rate (booleans, yes/no) or mean (numbers) with a
 * 95% confidence interval for the value over all traces the sample was drawn from.
 *
 * @param kind what the value is
 * @param n values that count (errors and categorical values excluded)
 * @param errors error feedback
 * @param value the pass rate or mean, NaN without values
 * @param low lower end of the 95% interval, NaN without values
 * @param high upper end of the 95% interval, NaN without values
 */
public record Stat(Kind kind, long n, long errors, double value, double low, double high) {

    /** What a scorer's values are. */
    public enum Kind {
        /** Booleans or yes/no: a pass rate. */
        PASS_RATE,
        /** Numbers: a mean. */
        MEAN,
        /** Other strings: counts per category only. */
        CATEGORICAL
    }

    private static final double Z95 = 1.959963984540054;

    /**
     * Wilson score interval for a proportion. The traces scored are treated as a sample of what the application
     * produces, so a lower sample rate (fewer values) gives a wider interval, and even a 100% sample keeps one.
     *
     * @param passes values that passed
     * @param n values
     * @param errors error feedback
     * @return the pass rate with its interval
     */
    public static Stat passRate(long passes, long n, long errors) {
        if (n == 0) {
            return new Stat(Kind.PASS_RATE, 0, errors, Double.NaN, Double.NaN, Double.NaN);
        }
        double p = (double) passes / n;
        double z = Z95;
        double z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new Stat(Kind.PASS_RATE, n, errors, p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /**
     * Normal interval of a mean (Student's t would differ below ~30 values; the band is a guide, not a test),
     * over the traces' population as for {@link #passRate}.
     *
     * @param sum the sum of the values
     * @param sumSquares the sum of their squares
     * @param n values
     * @param errors error feedback
     * @return the mean with its interval
     */
    public static Stat mean(double sum, double sumSquares, long n, long errors) {
        if (n == 0) {
            return new Stat(Kind.MEAN, 0, errors, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = sum / n;
        double var = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
        double half = Z95 * Math.sqrt(var / n);
        return new Stat(Kind.MEAN, n, errors, mean, mean - half, mean + half);
    }

    /** @return true if there is a value to show */
    public boolean hasValue() {
        return n > 0 && !Double.isNaN(value);
    }

    /** @return the value with its interval, e.g. {@code 82.0% [76.1–87.0]} or {@code 3.41 [3.20–3.62]} */
    public String format() {
        if (!hasValue()) {
            return "–";
        }
        if (kind == Kind.PASS_RATE) {
            return String.format(java.util.Locale.ROOT, "%.1f%% [%.1f–%.1f]", value * 100, low * 100, high * 100);
        }
        return String.format(java.util.Locale.ROOT, "%s [%s–%s]", num(value), num(low), num(high));
    }

    static String num(double v) {
        double a = Math.abs(v);
        return String.format(java.util.Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }
}
