package dev.vigil.judges.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A circuit breaker for one endpoint: after {@code threshold} failures in a row it opens and refuses calls for
 * {@code openFor}; then it lets one trial call through (half-open): a success closes it, a failure opens it
 * again. Time comes from an injected nanosecond clock. Thread-safe.
 */
public final class CircuitBreaker {
    private final int threshold;
    private final long openForNanos;
    private final LongSupplier nanoTime;
    private int consecutiveFailures;
    private long openedAt;
    private boolean open;
    private boolean trialInFlight;

    /**
     * @param threshold failures in a row that open the breaker (≥ 1)
     * @param openFor how long it stays open
     * @param nanoTime the clock
     */
    public CircuitBreaker(int threshold, Duration openFor, LongSupplier nanoTime) {
        this.threshold = threshold;
        this.openForNanos = openFor.toNanos();
        this.nanoTime = nanoTime;
    }

    /** @return true if a call may go out now */
    public synchronized boolean allow() {
        if (!open) {
            return true;
        }
        if (!trialInFlight && nanoTime.getAsLong() - openedAt >= openForNanos) {
            trialInFlight = true;
            return true;
        }
        return false;
    }

    /** Records a success: closes the breaker. */
    public synchronized void onSuccess() {
        consecutiveFailures = 0;
        open = false;
        trialInFlight = false;
    }

    /** Records a failure of the endpoint (a retryable one: the endpoint is down or overloaded). */
    public synchronized void onFailure() {
        consecutiveFailures++;
        if (trialInFlight || consecutiveFailures >= threshold) {
            open = true;
            openedAt = nanoTime.getAsLong();
            trialInFlight = false;
        }
    }

    /** Records a call that says nothing about the endpoint's health (a bad request); ends a trial. */
    public synchronized void onNeutral() {
        if (trialInFlight) {
            trialInFlight = false;
            open = false;
            consecutiveFailures = 0;
        }
    }

    /** @return true while the breaker refuses calls */
    public synchronized boolean isOpen() {
        return open;
    }

    /** @return how long until a trial call is let through, zero if closed */
    public synchronized Duration remaining() {
        if (!open) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, openForNanos - (nanoTime.getAsLong() - openedAt)));
    }
}
