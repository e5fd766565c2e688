package dev.vigil.core.engine.internal;

import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.retry.Deferrals;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.RetryQueue;
import dev.vigil.spi.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a drain does with the pairs it just claimed from the store's retry queue, shared by the store-tail engine's
 * {@link RetryDrain} and the batch scorer: a pair whose scorer is gone (stopped, deleted, replaced by a newer
 * version) or whose trace is gone leaves the queue; one whose scorer is paused waits again; one this process cannot
 * build is put back due at once for a process that can; one that is already scored (the tail or a backfill stored
 * it meanwhile) leaves the queue at once, not when its claim lapses. The rest is to run.
 */
final class RetryTriage {

    /**
     * A claimed pair worth running.
     *
     * @param pending its retry-queue entry
     * @param scorer its scorer, active here
     * @param trace its trace
     */
    record Runnable(PendingRetry pending, ActiveScorer scorer, Trace trace) {}

    /**
     * @param run the pairs to run, in claim order
     * @param back the pairs to put back in the queue untried (paused scorer, or not buildable here)
     */
    record Sorted(List<Runnable> run, List<PendingRetry> back) {}

    private final Store store;
    private final Deferrals deferrals;
    private final Function<PendingRetry, ActiveScorer> find;
    private final Predicate<ScorerKey> paused;
    private final Duration pausedWait;

    /**
     * @param store the store (traces, assessments)
     * @param deferrals the back-off rule
     * @param find the active scorer version of a pair, or null when it is gone
     * @param paused whether a scorer version is paused here
     * @param pausedWait how long a pair of a paused scorer waits before it comes due again
     */
    RetryTriage(Store store, Deferrals deferrals, Function<PendingRetry, ActiveScorer> find,
            Predicate<ScorerKey> paused, Duration pausedWait) {
        this.store = store;
        this.deferrals = deferrals;
        this.find = find;
        this.paused = paused;
        this.pausedWait = pausedWait;
    }

    /**
     * Sorts claimed pairs, removing from the queue at once those with nothing left to do.
     *
     * @param queue the retry queue they were claimed from
     * @param claimed the pairs just claimed
     * @param now the time of the claim
     * @return the pairs to run and the pairs to put back (the caller puts them back)
     */
    Sorted sort(RetryQueue queue, List<PendingRetry> claimed, Instant now) {
        List<Runnable> candidates = new ArrayList<>(claimed.size());
        List<PendingRetry> back = new ArrayList<>();
        for (PendingRetry p : claimed) {
            ActiveScorer s = find.apply(p);
            if (s == null) {
                queue.remove(p.traceId(), p.scorerName(), p.scorerVersion());
            } else if (paused.test(s.key())) {
                back.add(p.dueAt(now.plus(pausedWait)));
            } else if (s.scorer() instanceof Unavailable u) {
                back.add(deferrals.unavailableHere(p, s, p.traceId(), u.unavailableReason(), now));
            } else {
                Optional<Trace> t = store.traces().get(p.traceId());
                if (t.isEmpty()) {
                    queue.remove(p.traceId(), p.scorerName(), p.scorerVersion());
                } else {
                    candidates.add(new Runnable(p, s, t.get()));
                }
            }
        }
        List<Runnable> run = ScoredPairs.without(store, candidates, Runnable::scorer, Runnable::trace);
        if (run.size() < candidates.size()) {
            int i = 0;
            for (Runnable c : candidates) {
                if (i < run.size() && run.get(i) == c) {
                    i++;
                } else {
                    queue.remove(c.pending().traceId(), c.pending().scorerName(), c.pending().scorerVersion());
                }
            }
        }
        return new Sorted(run, back);
    }
}
