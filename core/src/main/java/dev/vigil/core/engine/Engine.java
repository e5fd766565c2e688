package dev.vigil.core.engine;

import java.util.Map;
import java.util.Set;

/**
 * The monitoring engine as an embedder sees it ({@code Vigil.engine()}): it tails the store's trace arrivals from
 * durable, fenced cursors and, for each complete trace and each active scorer of its experiment, filters, samples,
 * runs the scorer and upserts its feedback exactly once per (trace, scorer, version). Started and stopped through
 * {@code Vigil.startMonitoring()} and {@code Vigil.close()}; this view reads its state and steers its scorers.
 *
 * <p>The implementation (partition table, reader, work runner, retry drain, provider gates) is internal to
 * {@code dev.vigil.core}.
 */
public interface Engine {

    /** The stream name under which the partition count is stored ({@link dev.vigil.spi.store.Coordination}). */
    String STREAM = "traces";

    /** @return what this engine saw of each scorer version's runs since it started */
    Map<ScorerKey, RunStats> runStats();

    /**
     * Whether the engine has caught up: every arrival in the store is read and every run admitted is stored (or
     * deferred to the retry queue). Pairs waiting in the retry queue do not count.
     *
     * @return true if idle now
     */
    boolean isIdle();

    /** @return true once started and not closed */
    boolean isRunning();

    /** Tells the engine new traces were stored (skips the poll wait). */
    void wakeUp();

    /**
     * Re-reads an experiment's active scorers now: a scorer stopped or deleted gets no new work from this call
     * on.
     *
     * @param experimentId the experiment whose scorers changed
     */
    void refreshScorers(String experimentId);

    /** @return each scorer version's run status (PAUSED ones with their reason) */
    Map<ScorerKey, ScorerStatus> statuses();

    /**
     * Resumes a paused scorer version (after its credentials were fixed): its pairs waiting in the retry queue are
     * due at once.
     *
     * @param key the scorer version
     * @return true if it was paused
     */
    boolean resume(ScorerKey key);

    /** @return scorer runs admitted and not yet finished */
    long queueDepth();

    /** @return how far the durable cursors are behind the newest arrival read (in arrival sequence numbers) */
    long cursorLag();

    /** @return the partitions this engine holds now */
    Set<Integer> heldPartitions();

    /** @return the committed cursor of each held partition */
    Map<Integer, Long> committedCursors();
}
