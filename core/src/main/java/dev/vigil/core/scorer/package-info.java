/**
 * The scorer API: Java code scorers in one line ({@link dev.vigil.core.scorer.Scorers}), MLflow's normalisation of
 * what a scorer returns ({@link dev.vigil.core.scorer.ScorerResults}), and rebuilding scorers from their stored
 * definitions through the {@link dev.vigil.spi.scorer.ScorerCodec} of their kind
 * ({@link dev.vigil.core.scorer.ScorerCodecs}).
 */
package dev.vigil.core.scorer;
