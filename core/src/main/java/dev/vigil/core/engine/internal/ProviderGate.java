package dev.vigil.core.engine.internal;

import dev.vigil.spi.judge.FailureKind;
import dev.vigil.core.engine.Pauser;
import dev.vigil.core.engine.ProviderLimit;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * The gate in front of one judge provider: a concurrency limit (a semaphore), a token bucket on the injected
 * ticker ({@link TokenBucket}) whose rate adapts to 429s of this provider only (halved per 429, climbing back by
 * 5 % per success), a pause that every caller honours after a
 * Retry-After, and a circuit breaker that opens after {@value #BREAKER_FAILURES} transient failures in a row and
 * lets one trial call through after {@link #BREAKER_OPEN}. The bucket and the breaker read the injected ticker
 * (not the wall clock, so tests and the fault suite drive them), and remembers the failure that started the run of failures: the
 * message of a call refused while it is open names that first cause, not only "circuit open".
 */
final class ProviderGate {

    /** Transient failures in a row that open the breaker. */
    static final int BREAKER_FAILURES = 10;
    /** How long an open breaker refuses calls before a trial. */
    static final Duration BREAKER_OPEN = Duration.ofSeconds(30);

    private final String provider;
    private final ProviderLimit limit;
    private final Semaphore inFlight;
    private final TokenBucket limiter;
    private final LongSupplier ticker;
    private volatile double currentRate;
    private volatile long pausedUntilNanos;
    private volatile boolean paused;
    // breaker state, guarded by this
    private int failuresInARow;
    private String firstCause;
    private String lastCause;
    private long openUntilNanos;
    private boolean open;
    private boolean trialOut;

    ProviderGate(String provider, ProviderLimit limit, LongSupplier ticker) {
        this.provider = provider;
        this.limit = limit;
        this.inFlight = new Semaphore(limit.maxConcurrency(), true);
        this.limiter = new TokenBucket(limit.permitsPerSecond(), ticker);
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

    /** Waits out a Retry-After pause, then takes a token from the bucket (waiting with the pauser if none is free). */
    void awaitTurn(Pauser pauser) throws InterruptedException {
        if (paused) {
            long wait = pausedUntilNanos - ticker.getAsLong();
            if (wait > 0) {
                pauser.pause(Duration.ofNanos(wait));
            } else {
                paused = false;
            }
        }
        long wait = limiter.reserve();
        if (wait > 0) {
            pauser.pause(Duration.ofNanos(wait));
        }
    }

    /** @return true if the breaker lets a call through now (one trial call once the open delay passed) */
    synchronized boolean breakerPermits() {
        if (!open) {
            return true;
        }
        if (ticker.getAsLong() - openUntilNanos >= 0 && !trialOut) {
            trialOut = true; // half-open: one trial call
            return true;
        }
        return false;
    }

    /** @return how long the open breaker still refuses calls */
    synchronized Duration breakerRemaining() {
        return open ? Duration.ofNanos(Math.max(0, openUntilNanos - ticker.getAsLong())) : Duration.ZERO;
    }

    /** @return why the breaker is open: the first and the last failure of the run that opened it */
    synchronized String breakerCause() {
        if (firstCause == null) {
            return "";
        }
        return firstCause.equals(lastCause) ? "first failure: " + firstCause
                : "first failure: " + firstCause + "; last: " + lastCause;
    }

    private synchronized void breakerFailure(String cause) {
        failuresInARow++;
        if (firstCause == null) {
            firstCause = cause;
        }
        lastCause = cause;
        if (trialOut || failuresInARow >= BREAKER_FAILURES) {
            open = true;
            trialOut = false;
            openUntilNanos = ticker.getAsLong() + BREAKER_OPEN.toNanos();
        }
    }

    private synchronized void breakerSuccess() {
        failuresInARow = 0;
        firstCause = null;
        lastCause = null;
        open = false;
        trialOut = false;
    }

    /**
     * A failed call: a transient kind counts towards opening the breaker, a 429 also slows the provider.
     *
     * @param kind the failure's kind
     * @param retryAfter the server's Retry-After, or null
     * @param cause the failure's message (kept as the breaker's first cause)
     */
    void onFailure(FailureKind kind, Duration retryAfter, String cause) {
        if (kind.isTransient()) {
            breakerFailure(kind + ": " + cause);
        } else {
            synchronized (this) {
                if (trialOut) {
                    breakerSuccess(); // says nothing about the provider's health: end the trial
                }
            }
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

    /**
     * A call that failed for a reason of the scorer's own (no provider failure kind): it says nothing about the
     * provider's health, but it must end a half-open trial, or the breaker would stay open for good.
     */
    synchronized void onScorerFailure() {
        if (trialOut) {
            breakerSuccess();
        }
    }

    /** A success: climb back towards the configured rate. */
    void onSuccess() {
        breakerSuccess();
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
