package dev.vigil.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM for long-running commands: the JVM's shutdown hook flags the command to stop and then waits
 * (bounded) until the command has drained its work and closed its store, so nothing in flight is lost.
 */
final class StopSignal implements AutoCloseable {

    private static final long DRAIN_WAIT_SECONDS = 40;

    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;

    StopSignal() {
        hook = new Thread(() -> {
            requested = true;
            try {
                done.await(DRAIN_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vigil-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** @return true once Ctrl-C or SIGTERM arrived */
    boolean requested() {
        return requested;
    }

    /** Sleeps up to {@code millis}, returning early when a stop is requested. */
    void pause(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!requested && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                requested = true;
            }
        }
    }

    /** The command finished its cleanup: lets the JVM exit (and removes the hook when not exiting). */
    @Override
    public void close() {
        done.countDown();
        if (!requested) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting already; the latch lets the hook return
            }
        }
    }
}
