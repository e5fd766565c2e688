/**
 * The monitoring engine: tails the store from durable cursors, filters, samples and runs the active scorers,
 * and upserts their feedback exactly once per (trace, scorer, version); plus the execution layer it shares with
 * backfill and {@code evaluate} ({@link dev.vigil.core.engine.ScorerRunner}: timeouts, retries, provider limits).
 */
package dev.vigil.core.engine;
