/**
 * Session-level (multi-turn) scoring, as MLflow 3's multi-turn scorers: a {@link dev.vigil.spi.session.Session}
 * is the traces that share the {@code mlflow.trace.session} metadata value, in request order, and a
 * {@link dev.vigil.spi.session.SessionScorer} judges a whole session at once.
 */
package dev.vigil.spi.session;
