package dev.vigil.python.internal;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProcessRuntime}'s child JVMs: starts them in the background, lends an idle one to one caller at a time,
 * takes it back, or kills and replaces one that overran or died; remembers why the last start failed.
 */
final class ProcessPool {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);

    private final SandboxSettings settings;
    private final List<String> command;
    private final BlockingQueue<WorkerProcess> idle = new LinkedBlockingQueue<>();
    private final Set<WorkerProcess> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger numbers = new AtomicInteger();
    private final AtomicInteger restarts = new AtomicInteger();
    private final AtomicInteger starting = new AtomicInteger();
    private volatile String lastStartFailure;
    private volatile boolean closed;

    /** Starts {@code settings.processes()} workers in the background. */
    ProcessPool(SandboxSettings settings) {
        this.settings = settings;
        this.command = WorkerCommand.of(settings);
        for (int i = 0; i < settings.processes(); i++) {
            startInBackground();
        }
    }

    /** @return how many workers were replaced since start */
    int restarts() {
        return restarts.get();
    }

    /** @return why the last worker failed to start, or null */
    String lastStartFailure() {
        return lastStartFailure;
    }

    boolean isClosed() {
        return closed;
    }

    private void startInBackground() {
        if (closed) {
            return;
        }
        starting.incrementAndGet();
        Thread.ofPlatform().daemon().name("vigil-python-process-starter").start(() -> {
            try {
                WorkerProcess w = new WorkerProcess("vigil-python-worker-" + numbers.incrementAndGet(), command,
                        settings.loadBudget().plusSeconds(360));
                if (closed) {
                    w.kill();
                    return;
                }
                all.add(w);
                idle.add(w);
            } catch (IOException | RuntimeException e) {
                lastStartFailure = e.getMessage();
                LOG.error("could not start a Python worker process with {}: {}", command, e.toString());
            } finally {
                starting.decrementAndGet();
            }
        });
    }

    /** @return an idle worker, or null if none came in time (or the last start failed and none is starting) */
    WorkerProcess acquire() {
        // Generous: on a busy machine a child JVM can take minutes to start and warm up.
        long end = System.nanoTime() + settings.loadBudget().plusSeconds(420).toNanos();
        try {
            while (System.nanoTime() < end) {
                WorkerProcess w = idle.poll(100, TimeUnit.MILLISECONDS);
                if (w != null) {
                    return w;
                }
                if (all.isEmpty() && starting.get() == 0 && lastStartFailure != null) {
                    // Nothing is running or starting: the last start failed; try again, and fail this call.
                    startInBackground();
                    return null;
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Takes back a healthy worker. */
    void release(WorkerProcess w) {
        if (closed) {
            w.kill();
        } else {
            idle.add(w);
        }
    }

    /** Kills a worker that overran or died, and starts another. */
    void retire(WorkerProcess w) {
        w.kill();
        all.remove(w);
        restarts.incrementAndGet();
        startInBackground();
    }

    /** Kills every worker. */
    void close() {
        closed = true;
        for (WorkerProcess w : all) {
            w.kill();
        }
        all.clear();
        idle.clear();
    }
}
