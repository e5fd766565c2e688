/**
 * Backfill: scoring an experiment's history with registered scorers as a persisted, resumable, cancellable job.
 */
package dev.vigil.core.backfill;
