package dev.vigil.core.engine.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Enforces per-scorer timeouts without a timer per call: a scorer call arms a watch on its thread with its
 * deadline, and one daemon thread scans the watches and interrupts the calls past their deadline. Deadlines are read
 * from an injected nanosecond ticker, so a test can make a call overdue by advancing its ticker.
 *
 * <p>A platform thread (the engine's CPU pool) arms the same watch for each of its calls: it is registered once,
 * on the thread's first call, and dropped by the scanner once the thread has ended, so a run costs two uncontended
 * monitor entries instead of an allocation and a concurrent-set add and remove. A virtual thread (judge calls), or a
 * call made while the thread's watch is already armed (a scorer run inside a scorer run), gets a watch of its own,
 * registered for that call only.
 *
 * <p>A scorer that ignores interruption keeps its thread until it returns; its result is then discarded and the
 * call is recorded as timed out.
 */
final class Watchdog implements AutoCloseable {

    private final LongSupplier ticker;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Watch> reusable = new ThreadLocal<>();
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
        Thread thread = Thread.currentThread();
        long deadline = satAdd(ticker.getAsLong(), timeoutNanos);
        Watch w = thread.isVirtual() ? null : reusable.get();
        if (w == null || w.armed) { // armed is only written by this thread
            boolean keep = !thread.isVirtual() && w == null;
            w = new Watch(thread, keep);
            if (keep) {
                reusable.set(w);
            }
            watches.add(w);
        }
        w.arm(deadline);
        return w;
    }

    /** @return how many watches are registered (armed or kept for their thread's next call) */
    int registered() {
        return watches.size();
    }

    /** Interrupts every overdue call now; drops the kept watches of threads that have ended. */
    void scan() {
        long now = ticker.getAsLong();
        for (Watch w : watches) {
            if (w.reusable && !w.thread.isAlive()) {
                watches.remove(w);
            } else {
                w.expireIfOverdue(now);
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

    /** One watched call, or the kept watch of a platform thread armed for each of its calls. */
    final class Watch implements AutoCloseable {
        private final Thread thread;
        private final boolean reusable;
        /** Guarded by this. */
        private long deadline;
        /** Written under this by the watched thread only. */
        private volatile boolean armed;
        private volatile boolean timedOut;

        private Watch(Thread thread, boolean reusable) {
            this.thread = thread;
            this.reusable = reusable;
        }

        private synchronized void arm(long deadlineNanos) {
            deadline = deadlineNanos;
            timedOut = false;
            armed = true;
        }

        private synchronized void expireIfOverdue(long now) {
            if (armed && !timedOut && now - deadline >= 0) {
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
                armed = false;
            }
            if (!reusable) {
                watches.remove(this);
            }
            if (timedOut) {
                Thread.interrupted();
            }
        }
    }
}
