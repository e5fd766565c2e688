package dev.vigil.core.engine.internal;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.PendingRetry;

/**
 * One (trace, scorer version) pair for the engine to score.
 *
 * @param seq the arrival's sequence number, or -1 for a pair taken from the retry queue
 * @param partition the partition it was read from, or null for a pair taken from the retry queue
 * @param trace the trace
 * @param input the scorer input built from it (shared by the trace's pairs)
 * @param scorer the scorer version
 * @param retry the pair's retry queue entry when this run is a later attempt, else null
 */
record Work(long seq, Partition partition, Trace trace, ScorerInput input, ActiveScorer scorer, PendingRetry retry) {}
