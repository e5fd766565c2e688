package dev.vigil.core.engine;

import com.google.common.util.concurrent.RateLimiter;
import dev.failsafe.CircuitBreaker;
import dev.vigil.spi.judge.FailureKind;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * The gate in front of one judge provider: a concurrency limit (a semaphore), a token bucket (Guava's
 * {@link RateLimiter}) whose rate adapts to 429s of this provider only, a pause that every caller honours after a
 * Retry-After, and a circuit breaker (Failsafe's) that opens after {@value #BREAKER_FAILURES} transient failures in
 * a row and lets a trial call through after {@link #BREAKER_OPEN}.
 */
final class ProviderGate {

    /** Transient failures in a row that open the breaker. */
    static final int BREAKER_FAILURES = 10;
    /** How long an open breaker refuses calls before a trial. */
    static final Duration BREAKER_OPEN = Duration.ofSeconds(30);

    private final String provider;
    private final ProviderLimit limit;
    private final Semaphore inFlight;
    private final RateLimiter limiter;
    private final LongSupplier ticker;
    private volatile double currentRate;
    private volatile long pausedUntilNanos;
    private volatile boolean paused;
    private final CircuitBreaker<Object> breaker = CircuitBreaker.builder().withFailureThreshold(BREAKER_FAILURES)
            .withDelay(BREAKER_OPEN).build();

    ProviderGate(String provider, ProviderLimit limit, LongSupplier ticker) {
        this.provider = provider;
        this.limit = limit;
        this.inFlight = new Semaphore(limit.maxConcurrency(), true);
        this.limiter = RateLimiter.create(limit.permitsPerSecond());
        this.currentRate = limit.permitsPerSecond();
        this.ticker = ticker;
    }

    String provider() {
        return provider;
    }

    void acquire() throws InterruptedException {
        inFlight.acquire();
    }

    void release() {
        inFlight.release();
    }

    /** Waits out a Retry-After pause, then takes a token from the bucket. */
    void awaitTurn(Pauser pauser) throws InterruptedException {
        if (paused) {
            long wait = pausedUntilNanos - ticker.getAsLong();
            if (wait > 0) {
                pauser.pause(Duration.ofNanos(wait));
            } else {
                paused = false;
            }
        }
        limiter.acquire();
    }

    /** @return true if the breaker lets a call through now (a trial call when half-open) */
    boolean breakerPermits() {
        return breaker.tryAcquirePermit();
    }

    /** @return how long the open breaker still refuses calls */
    Duration breakerRemaining() {
        return breaker.getRemainingDelay();
    }

    /**
     * A failed call: a transient kind counts towards opening the breaker, a 429 also slows the provider.
     *
     * @param kind the failure's kind
     * @param retryAfter the server's Retry-After, or null
     */
    void onFailure(FailureKind kind, Duration retryAfter) {
        if (kind.isTransient()) {
            breaker.recordFailure();
        } else if (breaker.isHalfOpen()) {
            breaker.recordSuccess(); // says nothing about the provider's health: end the trial
        }
        if (kind == FailureKind.RATE_LIMITED) {
            onRateLimited(retryAfter);
        }
    }

    /** A 429: halve the rate and pause every caller for the Retry-After. */
    synchronized void onRateLimited(Duration retryAfter) {
        double next = Math.max(ProviderLimit.MIN_RATE, currentRate / 2);
        if (next != currentRate) {
            currentRate = next;
            limiter.setRate(next);
        }
        if (retryAfter != null && !retryAfter.isNegative() && !retryAfter.isZero()) {
            long until = ticker.getAsLong() + retryAfter.toNanos();
            if (!paused || until - pausedUntilNanos > 0) {
                pausedUntilNanos = until;
            }
            paused = true;
        }
    }

    /** A success: climb back towards the configured rate. */
    void onSuccess() {
        breaker.recordSuccess();
        double configured = limit.permitsPerSecond();
        if (currentRate < configured) {
            synchronized (this) {
                double next = Math.min(configured, currentRate * 1.05);
                currentRate = next;
                limiter.setRate(next);
            }
        }
    }

    /** @return the rate in use now, in calls per second */
    double currentRate() {
        return currentRate;
    }
}
