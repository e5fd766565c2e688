package dev.vigil.core.engine;

import dev.vigil.spi.InvalidInputException;

/**
 * Limits on calls to one judge provider (e.g. {@code openai}): how many calls at once and how many per second.
 * On a 429 the engine halves the rate it uses (never below {@link #MIN_RATE}), pauses the provider for the
 * server's Retry-After, and climbs back by 5 % per success up to this configured rate.
 *
 * @param maxConcurrency calls in flight at once, 1 or more
 * @param permitsPerSecond calls started per second, above 0
 */
public record ProviderLimit(int maxConcurrency, double permitsPerSecond) {

    /** The lowest rate adaptive back-off goes down to, in calls per second. */
    public static final double MIN_RATE = 0.1;

    /** 16 at once, 50 per second. */
    public static final ProviderLimit DEFAULT = new ProviderLimit(16, 50.0);

    /** Validates. */
    public ProviderLimit {
        if (maxConcurrency < 1) {
            throw new InvalidInputException("a provider's maxConcurrency must be 1 or more, got " + maxConcurrency);
        }
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new InvalidInputException("a provider's permitsPerSecond must be a finite number above 0, got "
                    + permitsPerSecond);
        }
    }
}
