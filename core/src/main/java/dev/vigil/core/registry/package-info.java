/**
 * The scorer registry: MLflow's scheduled-scorer lifecycle (register, start, update, stop, delete, list, get) per
 * experiment, persisted through the store's {@link dev.vigil.spi.store.ScorerStore}, with immutable
 * {@link dev.vigil.core.registry.RegisteredScorer} instances. See {@link dev.vigil.core.registry.ScorerRegistry}.
 */
package dev.vigil.core.registry;
