package dev.vigil.core.engine.internal;

import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.RetryQueue;
import dev.vigil.spi.store.Store;
import dev.vigil.core.engine.EngineOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry half of a {@link TraceBatchScorer}: takes due pairs from the store's retry queue and runs them like new
 * work ({@link BatchRuns}), outside any source position, once or in a background loop.
 */
final class BatchRetries {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRetries.class);

    private final Store store;
    private final EngineOptions options;
    private final Clock clock;
    private final RetryTriage triage;
    private final BatchRuns runs;
    private final boolean hasRetryQueue;
    private final BooleanSupplier closed;
    private volatile Thread retryLoop;

    BatchRetries(Store store, EngineOptions options, Clock clock, RetryTriage triage, BatchRuns runs,
            boolean hasRetryQueue, BooleanSupplier closed) {
        this.store = store;
        this.options = options;
        this.clock = clock;
        this.triage = triage;
        this.runs = runs;
        this.hasRetryQueue = hasRetryQueue;
        this.closed = closed;
    }

    /** @param taken pairs claimed @param putBack of those, pairs put back untried (due at once for another process) */
    record Drained(int taken, int putBack) {}

    Drained drain() {
        int room = Math.min(256, options.maxInFlight() - runs.inFlight());
        if (closed.getAsBoolean() || !hasRetryQueue || room <= 0) {
            return new Drained(0, 0);
        }
        RetryQueue queue = store.retries();
        Instant now = clock.instant();
        Duration holdFor = options.scorerTimeout().multipliedBy(4).plus(options.drainTimeout());
        List<PendingRetry> due = queue.claim(now, room, holdFor);
        if (due.isEmpty()) {
            return new Drained(0, 0);
        }
        RetryTriage.Sorted sorted = triage.sort(queue, due, now);
        List<PendingRetry> back = new ArrayList<>(sorted.back());
        List<Work> todo = new ArrayList<>(sorted.run().size());
        for (RetryTriage.Runnable r : sorted.run()) {
            todo.add(new Work(-1, null, r.trace(), ScorerInput.of(r.trace()), r.scorer(), r.pending()));
        }
        try {
            List<BatchRuns.Ran> ran = runs.runAll(todo).join();
            runs.finish(ran, back, a -> { });
        } catch (java.util.concurrent.CompletionException e) {
            // closed meanwhile: the claimed pairs come due again after their hold
            LOG.warn("engine {}: retried pairs not finished: {}", options.engineId(), e.getCause().toString());
        }
        return new Drained(due.size(), back.size());
    }

    /**
     * Starts a background loop calling {@link #drain} (at once after a busy turn, else every
     * {@code pollInterval}) until {@link #close()}; idempotent. A source that feeds this scorer starts it.
     */
    synchronized void start() {
        if (retryLoop != null || closed.getAsBoolean() || !hasRetryQueue) {
            return;
        }
        retryLoop = Thread.ofVirtual().name("vigil-batch-retries").start(() -> {
            long idleMs = Math.max(10, options.pollInterval().toMillis());
            while (!closed.getAsBoolean()) {
                boolean progressed;
                try {
                    Drained d = drain();
                    // pairs only put back (a scorer this process cannot build) are due at once again: wait
                    progressed = d.taken() > d.putBack();
                } catch (RuntimeException e) {
                    LOG.warn("engine {}: draining the retry queue failed (will retry): {}", options.engineId(),
                            e.toString());
                    progressed = false;
                }
                if (!progressed && !closed.getAsBoolean()) {
                    LockSupport.parkNanos(idleMs * 1_000_000L); // close() unparks; no interrupt near the store
                }
            }
        });
    }

    /** Wakes the background loop (if any) so that it sees the close. */
    void wake() {
        Thread loop = retryLoop;
        if (loop != null) {
            LockSupport.unpark(loop);
        }
    }
}
