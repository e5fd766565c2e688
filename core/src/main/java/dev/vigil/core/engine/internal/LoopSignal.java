package dev.vigil.core.engine.internal;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * How the engine's tail loop waits between reads: up to the poll interval, or until {@link #signal()} (new traces
 * stored, a scorer resumed, the last run in flight stored, closing). A signal given while the loop is busy is
 * kept, so the next wait returns at once.
 */
final class LoopSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final BooleanSupplier stopping;
    private boolean signalled;

    /** @param stopping true once the engine is closing (no wait then) */
    LoopSignal(BooleanSupplier stopping) {
        this.stopping = stopping;
    }

    /** Wakes the loop, or makes its next wait return at once. */
    void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code d} unless signalled since the last wait or closing; clears the signal.
     *
     * @param d the longest wait
     */
    void await(Duration d) {
        lock.lock();
        try {
            if (!signalled && !stopping.getAsBoolean()) {
                wake.awaitNanos(d.toNanos());
            }
            signalled = false;
        } catch (InterruptedException e) {
            // closing
        } finally {
            lock.unlock();
        }
    }
}
