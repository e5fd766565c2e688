/**
 * The store conformance suites: {@link dev.vigil.testkit.store.StoreConformanceSuite} and the suites for the other
 * parts of the {@link dev.vigil.spi.store.Store} contract (budgets, retries, monitors, coordination, rollups, ...),
 * abstract JUnit 5 classes every backend's tests extend and must pass. They share one setup,
 * {@link dev.vigil.testkit.store.StoreSuiteBase}: a backend implements {@code openStore(Clock)} and, if durable,
 * {@code reopenStore(Clock)}.
 */
package dev.vigil.testkit.store;
