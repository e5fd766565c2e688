/**
 * The monitoring engine's public surface for embedders: its configuration ({@link dev.vigil.core.engine.EngineOptions},
 * {@link dev.vigil.core.engine.RetryPolicy}, {@link dev.vigil.core.engine.ProviderLimit},
 * {@link dev.vigil.core.engine.Pauser}), the views of a running engine ({@link dev.vigil.core.engine.Engine},
 * {@link dev.vigil.core.engine.BatchScorer} for external sources) and what they report
 * ({@link dev.vigil.core.engine.ScorerKey}, {@link dev.vigil.core.engine.ScorerStatus},
 * {@link dev.vigil.core.engine.RunStats}). The engine tails the store from durable cursors, filters, samples and
 * runs the active scorers, and upserts their feedback exactly once per (trace, scorer, version). Its implementation
 * lives in {@code dev.vigil.core.engine.internal}, which is not exported to users.
 */
package dev.vigil.core.engine;
