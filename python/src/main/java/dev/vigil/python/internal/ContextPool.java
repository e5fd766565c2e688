package dev.vigil.python.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.graalvm.polyglot.Context;

/**
 * The {@link InProcessRuntime}'s worker threads: starts them, replaces one that is written off (so the pool keeps
 * its capacity) and counts those, and interrupts their contexts on close. Calls reach the workers through the
 * runtime's queue, not through this class.
 */
final class ContextPool {
    private final InProcessRuntime runtime;
    private final Set<ContextWorker> slots = ConcurrentHashMap.newKeySet();
    private final AtomicInteger slotNumbers = new AtomicInteger();
    private final AtomicInteger writtenOff = new AtomicInteger();

    ContextPool(InProcessRuntime runtime) {
        this.runtime = runtime;
    }

    /** Starts one more worker. */
    void startWorker() {
        ContextWorker s = new ContextWorker(runtime, "vigil-python-" + slotNumbers.incrementAndGet());
        slots.add(s);
        s.thread.start();
    }

    /** Writes off a worker stuck in a call that could not be stopped, and starts one in its place unless closed. */
    void writeOff(ContextWorker slot) {
        slot.writtenOff = true;
        slots.remove(slot);
        writtenOff.incrementAndGet();
        if (!runtime.isClosed()) {
            startWorker();
        }
    }

    /** @return how many workers were written off since start */
    int writtenOff() {
        return writtenOff.get();
    }

    /** @return how many workers run now */
    int size() {
        return slots.size();
    }

    /** Interrupts every worker's context, best effort (on close). */
    void interruptAll() {
        for (ContextWorker s : List.copyOf(slots)) {
            Context ctx = s.context;
            if (ctx != null) {
                try {
                    ctx.interrupt(Duration.ofMillis(500));
                } catch (TimeoutException | RuntimeException ignored) {
                    // best effort: the worker threads are daemons
                }
            }
        }
    }
}
