package dev.vigil.core.engine.internal;

import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.retry.Deferrals;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.RetryQueue;
import dev.vigil.spi.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The engine's side of the store's retry queue: once per loop turn it claims the pairs that came due (hidden from
 * other engines for four scorer timeouts plus the drain timeout, so that a claimer that dies only delays them) and
 * hands the ones still worth running to the engine.
 */
final class RetryDrain {

    private final Store store;
    private final ScorerStates states;
    private final Deferrals deferrals;
    private final EngineOptions options;
    private final Clock clock;
    private final UnaryOperator<List<Work>> alreadyScored;
    private final Consumer<List<Work>> dispatch;

    /**
     * @param alreadyScored drops the pairs already stored for the same scorer version
     * @param dispatch runs pairs
     */
    RetryDrain(Store store, ScorerStates states, Deferrals deferrals, EngineOptions options, Clock clock,
            UnaryOperator<List<Work>> alreadyScored, Consumer<List<Work>> dispatch) {
        this.store = store;
        this.states = states;
        this.deferrals = deferrals;
        this.options = options;
        this.clock = clock;
        this.alreadyScored = alreadyScored;
        this.dispatch = dispatch;
    }

    /**
     * Takes due pairs from the store's retry queue and dispatches them like new work, outside any partition's
     * cursor. A pair whose scorer is gone (stopped, deleted, replaced by a newer version) or whose trace is gone
     * leaves the queue; one whose scorer is paused waits again; one this process cannot build is put back due at
     * once for a process that can.
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
        List<Work> work = new ArrayList<>();
        List<PendingRetry> back = new ArrayList<>();
        for (PendingRetry p : due) {
            ActiveScorer s = states.find(p);
            if (s == null) {
                queue.remove(p.traceId(), p.scorerName(), p.scorerVersion());
                continue;
            }
            if (states.isPaused(s.key())) {
                back.add(p.dueAt(now.plus(options.retryMaxDelay())));
                continue;
            }
            if (s.scorer() instanceof Unavailable u) {
                back.add(deferrals.unavailableHere(p, s, p.traceId(), u.unavailableReason(), now));
                continue;
            }
            Optional<Trace> t = store.traces().get(p.traceId());
            if (t.isEmpty()) {
                queue.remove(p.traceId(), p.scorerName(), p.scorerVersion());
                continue;
            }
            work.add(new Work(-1, null, t.get(), ScorerInput.of(t.get()), s, p));
        }
        if (!back.isEmpty()) {
            queue.defer(back);
        }
        List<Work> todo = alreadyScored.apply(work);
        if (todo.size() < work.size()) {
            Set<Work> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            kept.addAll(todo);
            for (Work w : work) {
                if (!kept.contains(w)) {
                    queue.remove(w.trace().traceId(), w.scorer().name(), w.scorer().version());
                }
            }
        }
        dispatch.accept(todo);
        return true;
    }
}
