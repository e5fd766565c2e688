package dev.vigil.spi.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The durable queue of (trace, scorer version) pairs waiting for a later attempt after a transient failure (see
 * {@link PendingRetry}). A pair is identified by (trace id, scorer name, scorer version); it is in the queue at most
 * once. Engines take due pairs with {@link #claim}, which hides them from other claimers for a while so that a
 * claimer that dies only delays them. Reached from {@link Store#retries()}; thread-safe.
 */
public interface RetryQueue {

    /**
     * Adds pairs, or replaces the stored ones with the same (trace, scorer name, version): their attempt count,
     * due time and last failure become the given ones.
     *
     * @param pairs the pairs; empty is allowed
     * @throws dev.vigil.spi.InvalidInputException if a pair is null
     */
    void defer(List<PendingRetry> pairs);

    /**
     * Takes up to {@code limit} pairs due at {@code now} (earliest due first) and moves their due time to
     * {@code now + holdFor}, so that another claimer does not take them meanwhile. The claimer then removes each
     * pair it scored, or defers it again.
     *
     * @param now the current time
     * @param limit the most pairs to take, positive
     * @param holdFor how long claimed pairs stay hidden, positive
     * @return the claimed pairs as they were before the claim (their old due time)
     */
    List<PendingRetry> claim(Instant now, int limit, Duration holdFor);

    /**
     * @param traceId a trace
     * @param scorerName a scorer name
     * @param scorerVersion its version
     * @return true if the pair was pending and is now gone
     */
    boolean remove(String traceId, String scorerName, int scorerVersion);

    /**
     * @param experimentId an experiment
     * @param scorerName a scorer name
     * @param scorerVersion its version
     * @param limit the most pairs to return, positive
     * @return that scorer version's pending pairs, earliest due first
     */
    List<PendingRetry> list(String experimentId, String scorerName, int scorerVersion, int limit);

    /**
     * @param experimentId an experiment
     * @param scorerName a scorer name
     * @param scorerVersion its version
     * @return how many pairs of that scorer version are pending
     */
    long count(String experimentId, String scorerName, int scorerVersion);

    /**
     * Makes every pending pair of a scorer version due at {@code at} (used when a paused scorer is resumed).
     *
     * @param experimentId an experiment
     * @param scorerName a scorer name
     * @param scorerVersion its version
     * @param at the new due time
     * @return how many pairs were changed
     */
    int makeDue(String experimentId, String scorerName, int scorerVersion, Instant at);
}
