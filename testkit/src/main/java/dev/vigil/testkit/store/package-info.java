/**
 * The store conformance suite: {@link dev.vigil.testkit.store.StoreConformanceSuite}, the abstract JUnit 5 class
 * every {@link dev.vigil.spi.store.Store} backend's test extends and must pass.
 */
package dev.vigil.testkit.store;
