package dev.vigil.core.engine;

import java.time.Duration;

/**
 * Waits between retries. The default sleeps; tests inject one that records the pauses and returns at once, so
 * that back-off is checked without waiting.
 */
@FunctionalInterface
public interface Pauser {

    /** Sleeps the current thread. */
    Pauser SLEEP = d -> {
        if (!d.isZero() && !d.isNegative()) {
            Thread.sleep(d);
        }
    };

    /**
     * @param duration how long to wait
     * @throws InterruptedException if interrupted while waiting
     */
    void pause(Duration duration) throws InterruptedException;
}
