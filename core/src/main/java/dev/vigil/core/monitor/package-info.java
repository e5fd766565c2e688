/**
 * Monitors: alerts when a scorer's aggregate over a sliding window crosses a threshold, with statistical
 * confidence. A {@link dev.vigil.core.monitor.MonitorDefinition} is validated on the spot and stored, versioned, in
 * the store's {@link dev.vigil.spi.store.MonitorStore}; a {@link dev.vigil.core.monitor.MonitorService} evaluates the
 * monitors on an injected clock, records state transitions and sends one notification per transition through the
 * {@link dev.vigil.spi.notify.Notifier}s found by {@code ServiceLoader}. The service's methods are the API a server
 * exposes (create, update, get, list, delete, history, test).
 */
package dev.vigil.core.monitor;
