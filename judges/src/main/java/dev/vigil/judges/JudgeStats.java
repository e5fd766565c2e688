package dev.vigil.judges;

/**
 * Totals since a runtime was built (a snapshot).
 *
 * @param calls judge calls made through the runtime
 * @param failures calls that ended in a failure
 * @param cacheHits calls answered from the cache
 * @param inputTokens input tokens reported by the providers
 * @param outputTokens output tokens reported by the providers
 * @param costUsd cost of the priced calls, USD
 */
public record JudgeStats(long calls, long failures, long cacheHits, long inputTokens,
        long outputTokens, double costUsd) {}
