package dev.vigil.core.engine.internal;

import dev.vigil.core.retry.Deferrals;
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
import java.util.function.Consumer;

/**
 * The engine's side of the store's retry queue: once per loop turn it claims the pairs that came due (hidden from
 * other engines for four scorer timeouts plus the drain timeout, so that a claimer that dies only delays them) and
 * hands the ones still worth running to the engine.
 */
final class RetryDrain {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RetryDrain.class);

    private final Store store;
    private final EngineOptions options;
    private final Clock clock;
    private final RetryTriage triage;
    private final Consumer<List<Work>> dispatch;

    /** @param dispatch runs pairs */
    RetryDrain(Store store, ScorerStates states, Deferrals deferrals, EngineOptions options, Clock clock,
            Consumer<List<Work>> dispatch) {
        this.store = store;
        this.options = options;
        this.clock = clock;
        this.triage = new RetryTriage(store, deferrals, states::find, states::isPaused, options.retryMaxDelay());
        this.dispatch = dispatch;
    }

    /**
     * Takes due pairs from the store's retry queue and dispatches them like new work, outside any partition's
     * cursor, after {@link RetryTriage} sorted them (gone or already scored: removed at once; paused: later; not
     * buildable here: due at once for another process).
     *
     * @param member whether this engine holds partitions now (only a member takes retries)
     * @return true if any pair was taken
     */
    boolean drain(boolean member) {
        if (!member) {
            return false;
        }
        RetryQueue queue;
        try {
            queue = store.retries();
        } catch (UnsupportedOperationException e) {
            return false;
        }
        Instant now = clock.instant();
        Duration holdFor = options.scorerTimeout().multipliedBy(4).plus(options.drainTimeout());
        List<PendingRetry> due = queue.claim(now, Math.min(options.batchSize(), 256), holdFor);
        if (due.isEmpty()) {
            return false;
        }
        RetryTriage.Sorted sorted = triage.sort(queue, due, now);
        if (!sorted.back().isEmpty()) {
            queue.defer(sorted.back());
        }
        List<Work> todo = new ArrayList<>(sorted.run().size());
        for (RetryTriage.Runnable r : sorted.run()) {
            todo.add(new Work(-1, null, r.trace(), ScorerInput.of(r.trace()), r.scorer(), r.pending()));
        }
        dispatch.accept(todo);
        return true;
    }

    /**
     * Makes a resumed scorer version's pairs in the retry queue due now.
     *
     * @param key the scorer version
     */
    void makeDue(dev.vigil.core.engine.ScorerKey key) {
        try {
            int due = store.retries().makeDue(key.experimentId(), key.name(), key.version(), clock.instant());
            LOG.info("scorer {} resumed; {} pending pair(s) are due now", key, due);
        } catch (UnsupportedOperationException e) {
            // a store without a retry queue: nothing was deferred
        }
    }
}
