package dev.vigil.judges;

import java.time.Duration;

/** Waits between retries. Injected so tests record the back-off instead of waiting it out. */
@FunctionalInterface
public interface Sleeper {

    /** The real sleeper: {@link Thread#sleep(Duration)}. */
    Sleeper SYSTEM = Thread::sleep;

    /**
     * @param duration how long to wait
     * @throws InterruptedException if interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;
}
