package dev.vigil.core.engine.internal;

import dev.vigil.core.engine.EngineOptions;
import dev.vigil.spi.scorer.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Hands the engine's pairs to the threads that run them, with back-pressure: CPU-bound scorers' pairs go in chunks
 * to a bounded pool, I/O-bound ones one per virtual thread; at most {@code maxInFlight} runs are admitted, past
 * that {@link #dispatch} blocks the reader (the cursor lags, nothing is dropped). When a chunk is done with, its
 * stored arrivals let their partitions move on and its permits go back.
 */
final class Dispatcher {

    private static final int CPU_CHUNK = 64;

    private final EngineOptions options;
    private final Consumer<List<Work>> run;
    private final Runnable drained;
    private final ExecutorService cpuPool;
    private final ExecutorService ioPool;
    private final Semaphore inFlight;
    private final AtomicInteger running = new AtomicInteger();

    /**
     * @param options the engine options (max in flight, CPU threads, engine id)
     * @param run runs a chunk of pairs (and then calls {@link #finished})
     * @param drained told when a stored chunk leaves no run in flight (wakes the reader)
     */
    Dispatcher(EngineOptions options, Consumer<List<Work>> run, Runnable drained) {
        this.options = options;
        this.run = run;
        this.drained = drained;
        this.inFlight = new Semaphore(options.maxInFlight());
        AtomicInteger n = new AtomicInteger();
        this.cpuPool = Executors.newFixedThreadPool(options.cpuThreads(), r -> {
            Thread t = new Thread(r, "vigil-cpu-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.ioPool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vigil-io-", 0).factory());
    }

    /** @return scorer runs admitted and not yet finished */
    int running() {
        return running.get();
    }

    /** Runs the pairs: CPU-bound ones in chunks on the pool, I/O-bound ones each on its own virtual thread. */
    void dispatch(List<Work> work) {
        // a chunk never asks for more permits than exist (it would wait forever)
        int chunkSize = Math.min(CPU_CHUNK, options.maxInFlight());
        List<Work> chunk = new ArrayList<>(chunkSize);
        for (Work w : work) {
            if (workload(w.scorer().scorer()) == Scorer.Workload.IO) {
                admit(1);
                ioPool.execute(() -> run.accept(List.of(w)));
            } else {
                chunk.add(w);
                if (chunk.size() == chunkSize) {
                    submitChunk(chunk);
                    chunk = new ArrayList<>(chunkSize);
                }
            }
        }
        if (!chunk.isEmpty()) {
            submitChunk(chunk);
        }
    }

    private void submitChunk(List<Work> chunk) {
        admit(chunk.size());
        cpuPool.execute(() -> run.accept(chunk));
    }

    /** Backpressure: blocks the reader until the work can be admitted. */
    private void admit(int n) {
        inFlight.acquireUninterruptibly(n);
        running.addAndGet(n);
    }

    private static Scorer.Workload workload(Scorer s) {
        try {
            return s.workload() == null ? Scorer.Workload.CPU : s.workload();
        } catch (RuntimeException e) {
            return Scorer.Workload.CPU;
        }
    }

    /** A chunk is done with: stored results let their partitions move on; the permits go back either way. */
    void finished(List<Work> chunk, boolean stored) {
        if (stored) {
            for (Work w : chunk) {
                if (w.partition() != null) {
                    w.partition().complete(w.seq());
                }
            }
        }
        running.addAndGet(-chunk.size());
        inFlight.release(chunk.size());
        if (stored && running.get() == 0) {
            drained.run();
        }
    }

    /**
     * Lets the runs in flight finish until the deadline, then interrupts what is left.
     *
     * @param deadline a {@link System#nanoTime()} value
     */
    void shutdown(long deadline) {
        cpuPool.shutdown();
        ioPool.shutdown();
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            cpuPool.awaitTermination(left, TimeUnit.NANOSECONDS);
            left = Math.max(0, deadline - System.nanoTime());
            ioPool.awaitTermination(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cpuPool.shutdownNow();
        ioPool.shutdownNow();
    }
}
