/**
 * Engine metrics: in-memory counters ({@link dev.vigil.core.metrics.EngineStats}) and an optional Micrometer
 * publisher ({@link dev.vigil.core.metrics.MicrometerMetrics}, needs {@code micrometer-core}).
 */
package dev.vigil.core.metrics;
