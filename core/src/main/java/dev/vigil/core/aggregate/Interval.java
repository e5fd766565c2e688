package dev.vigil.core.aggregate;

import dev.vigil.spi.InvalidInputException;

/**
 * A confidence interval.
 *
 * @param low the lower bound
 * @param high the upper bound
 */
public record Interval(double low, double high) {
    /** Validates. */
    public Interval {
        if (Double.isNaN(low) || Double.isNaN(high) || high < low) {
            throw new InvalidInputException("an interval needs low <= high, got [" + low + ", " + high + "]");
        }
    }

    /** @param x a value @return true if it lies in [low, high] */
    public boolean contains(double x) {
        return x >= low && x <= high;
    }

    /** @return high - low */
    public double width() {
        return high - low;
    }
}
