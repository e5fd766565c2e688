/**
 * Vigil's one deferral rule for pairs that cannot be scored now (transient or authentication failures after the
 * immediate retries, paused or unavailable scorers): the back-off of the store's retry queue, shared by the
 * monitoring engine, backfill and {@code evaluate}. Internal to the core module: not exported.
 */
package dev.vigil.core.retry;
