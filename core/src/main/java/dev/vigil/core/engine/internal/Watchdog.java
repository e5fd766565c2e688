package dev.vigil.core.engine.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Enforces per-scorer timeouts without a timer per call: a scorer call registers its thread and deadline, and one
 * daemon thread scans the registered calls and interrupts those past their deadline. Deadlines are read from an
 * injected nanosecond ticker, so a test can make a call overdue by advancing its ticker.
 *
 * <p>A scorer that ignores interruption keeps its thread until it returns; its result is then discarded and the
 * call is recorded as timed out.
 */
final class Watchdog implements AutoCloseable {

    private final LongSupplier ticker;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Thread scanner;
    private volatile boolean closed;

    Watchdog(LongSupplier ticker, Duration scanPeriod) {
        this.ticker = ticker;
        long periodNanos = Math.max(100_000L, scanPeriod.toNanos());
        this.scanner = Thread.ofPlatform().daemon().name("vigil-timeouts").unstarted(() -> {
            while (!closed) {
                scan();
                try {
                    Thread.sleep(Duration.ofNanos(periodNanos));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        scanner.start();
    }

    /**
     * @param timeoutNanos the time allowed from now
     * @return a watch on the current thread; close it when the call returns
     */
    Watch start(long timeoutNanos) {
        Watch w = new Watch(Thread.currentThread(), satAdd(ticker.getAsLong(), timeoutNanos));
        watches.add(w);
        return w;
    }

    /** Interrupts every overdue call now. */
    void scan() {
        long now = ticker.getAsLong();
        for (Watch w : watches) {
            if (now - w.deadline >= 0) {
                w.expire();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        scanner.interrupt();
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** One watched call. */
    final class Watch implements AutoCloseable {
        private final Thread thread;
        private final long deadline;
        private boolean done;
        private volatile boolean timedOut;

        private Watch(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }

        private synchronized void expire() {
            if (!done && !timedOut) {
                timedOut = true;
                thread.interrupt();
            }
        }

        /** @return true if the deadline passed before the call returned */
        boolean timedOut() {
            return timedOut;
        }

        /** Stops watching; clears the interrupt this watch may have raised. */
        @Override
        public void close() {
            synchronized (this) {
                done = true;
            }
            watches.remove(this);
            if (timedOut) {
                Thread.interrupted();
            }
        }
    }
}
