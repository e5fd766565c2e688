package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link RetryQueue} rules over an in-memory table, for store backends that keep the queue in memory (and
 * persist it as a whole): the memory store and the file store use it. Not thread-safe: the store calls it under
 * its own lock. Store authors with a database implement the same rules in SQL; the conformance suite checks them.
 */
public final class RetryQueueState {

    private static final Comparator<PendingRetry> DUE_ORDER = Comparator.comparing(PendingRetry::nextAttemptAt)
            .thenComparing(PendingRetry::traceId).thenComparing(PendingRetry::scorerName)
            .thenComparingInt(PendingRetry::scorerVersion);

    private record Key(String traceId, String scorerName, int scorerVersion) {}

    private final Map<Key, PendingRetry> pending = new LinkedHashMap<>();

    /** An empty queue. */
    public RetryQueueState() {
    }

    /**
     * @param pairs the pairs to add or replace
     * @throws InvalidInputException if a pair is null
     */
    public void defer(Collection<PendingRetry> pairs) {
        requireNoNull(pairs);
        for (PendingRetry p : pairs) {
            pending.put(key(p), p);
        }
    }

    /**
     * Checks a batch before anything is changed.
     *
     * @param pairs the pairs
     * @throws InvalidInputException if the list or a pair is null
     */
    public static void requireNoNull(Collection<PendingRetry> pairs) {
        if (pairs == null) {
            throw new InvalidInputException("defer needs a list of pending retries, got null");
        }
        for (PendingRetry p : pairs) {
            if (p == null) {
                throw new InvalidInputException("a list of pending retries contains null; nothing was stored");
            }
        }
    }

    /**
     * Checks claim arguments.
     *
     * @param now the time
     * @param limit the most pairs
     * @param holdFor how long to hide them
     */
    public static void requireClaimArgs(Instant now, int limit, Duration holdFor) {
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new InvalidInputException("claim needs a positive limit, got " + limit);
        }
        if (holdFor == null || holdFor.isNegative() || holdFor.isZero()) {
            throw new InvalidInputException("claim needs a positive hold time, got " + holdFor);
        }
    }

    /**
     * @param now the time
     * @param limit the most pairs
     * @param holdFor how long claimed pairs stay hidden
     * @return the claimed pairs as they were
     */
    public List<PendingRetry> claim(Instant now, int limit, Duration holdFor) {
        requireClaimArgs(now, limit, holdFor);
        List<PendingRetry> due = new ArrayList<>();
        for (PendingRetry p : pending.values()) {
            if (!p.nextAttemptAt().isAfter(now)) {
                due.add(p);
            }
        }
        due.sort(DUE_ORDER);
        List<PendingRetry> out = List.copyOf(due.subList(0, Math.min(limit, due.size())));
        Instant hidden = now.plus(holdFor);
        for (PendingRetry p : out) {
            pending.put(key(p), p.dueAt(hidden));
        }
        return out;
    }

    /**
     * @param traceId a trace
     * @param scorerName a scorer
     * @param scorerVersion its version
     * @return true if it was there
     */
    public boolean remove(String traceId, String scorerName, int scorerVersion) {
        return pending.remove(new Key(traceId, scorerName, scorerVersion)) != null;
    }

    /**
     * @param experimentId an experiment
     * @param scorerName a scorer
     * @param scorerVersion its version
     * @param limit the most pairs
     * @return its pairs, earliest due first
     */
    public List<PendingRetry> list(String experimentId, String scorerName, int scorerVersion, int limit) {
        if (limit < 1) {
            throw new InvalidInputException("list needs a positive limit, got " + limit);
        }
        List<PendingRetry> out = new ArrayList<>();
        for (PendingRetry p : pending.values()) {
            if (matches(p, experimentId, scorerName, scorerVersion)) {
                out.add(p);
            }
        }
        out.sort(DUE_ORDER);
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
    }

    /**
     * @param experimentId an experiment
     * @param scorerName a scorer
     * @param scorerVersion its version
     * @return how many pairs it has pending
     */
    public long count(String experimentId, String scorerName, int scorerVersion) {
        return pending.values().stream().filter(p -> matches(p, experimentId, scorerName, scorerVersion)).count();
    }

    /**
     * @param experimentId an experiment
     * @param scorerName a scorer
     * @param scorerVersion its version
     * @param at the new due time
     * @return how many changed
     */
    public int makeDue(String experimentId, String scorerName, int scorerVersion, Instant at) {
        Objects.requireNonNull(at, "at");
        int n = 0;
        for (Map.Entry<Key, PendingRetry> e : pending.entrySet()) {
            if (matches(e.getValue(), experimentId, scorerName, scorerVersion)) {
                e.setValue(e.getValue().dueAt(at));
                n++;
            }
        }
        return n;
    }

    /** @return every pending pair (for persisting the table) */
    public List<PendingRetry> all() {
        return List.copyOf(pending.values());
    }

    /** @return a copy (to change and persist before swapping it in) */
    public RetryQueueState copy() {
        RetryQueueState c = new RetryQueueState();
        c.pending.putAll(pending);
        return c;
    }

    private static boolean matches(PendingRetry p, String experimentId, String scorerName, int scorerVersion) {
        return p.experimentId().equals(experimentId) && p.scorerName().equals(scorerName)
                && p.scorerVersion() == scorerVersion;
    }

    private static Key key(PendingRetry p) {
        return new Key(p.traceId(), p.scorerName(), p.scorerVersion());
    }
}
