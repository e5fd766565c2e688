package dev.vigil.core.engine.internal;

import java.util.function.LongSupplier;

/**
 * A token bucket on an injected nanosecond ticker, with a rate that can change while it runs (the provider gate's
 * adaptive rate). Up to one second's worth of unused tokens is kept for a burst, as Guava's bursty
 * {@code RateLimiter} does, and the bucket starts full (a fresh process does not throttle its first second of
 * calls); unlike Guava's, time is the engine's ticker, so the 429 halving and the climb back are
 * driven by tests and the fault suite without sleeping. Callers reserve a token and wait the returned time with the
 * engine's {@link dev.vigil.core.engine.Pauser}.
 */
final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1e9;

    private final LongSupplier ticker;
    // guarded by this
    private double permitsPerSecond;
    private double stored;
    private long nextFreeNanos;

    /**
     * @param permitsPerSecond the starting rate, more than 0
     * @param ticker the nanosecond ticker
     */
    TokenBucket(double permitsPerSecond, LongSupplier ticker) {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("permitsPerSecond must be a finite number above 0, got "
                    + permitsPerSecond);
        }
        this.permitsPerSecond = permitsPerSecond;
        this.stored = permitsPerSecond;
        this.ticker = ticker;
        this.nextFreeNanos = ticker.getAsLong();
    }

    /**
     * Takes one token, the next one free when none is stored.
     *
     * @return how long the caller must wait before its call, in nanoseconds (0 when a token was free now)
     */
    synchronized long reserve() {
        long now = ticker.getAsLong();
        refill(now);
        long wait = Math.max(0, nextFreeNanos - now);
        double fromStored = Math.min(1, stored);
        stored -= fromStored;
        nextFreeNanos += (long) ((1 - fromStored) / permitsPerSecond * NANOS_PER_SECOND);
        return wait;
    }

    /**
     * Changes the rate from now on; tokens stored keep their share of the burst.
     *
     * @param next the new rate, more than 0
     */
    synchronized void setRate(double next) {
        if (!(next > 0) || Double.isInfinite(next)) {
            throw new IllegalArgumentException("rate must be a finite number above 0, got " + next);
        }
        refill(ticker.getAsLong());
        stored = Math.min(next, stored * next / permitsPerSecond);
        permitsPerSecond = next;
    }

    /** @return the rate in use, in tokens per second */
    synchronized double rate() {
        return permitsPerSecond;
    }

    private void refill(long now) {
        if (now - nextFreeNanos > 0) {
            stored = Math.min(permitsPerSecond, stored + (now - nextFreeNanos) / NANOS_PER_SECOND * permitsPerSecond);
            nextFreeNanos = now;
        }
    }
}
