/**
 * The engine's implementation, internal to Vigil (exported only to the Vigil modules that drive it): the store-tail
 * engine ({@code MonitoringEngine}: tail loop, partition table, arrival reader, dispatcher, work runner, retry drain), the batch scorer for
 * external sources, and the execution layer shared with backfill and {@code evaluate} ({@code ScorerRunner}:
 * timeouts, retries, provider gates, call guards).
 */
package dev.vigil.core.engine.internal;
