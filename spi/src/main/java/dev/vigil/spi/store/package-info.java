/**
 * The storage SPI: what a backend implements ({@link dev.vigil.spi.store.Store} and its parts) and how it is
 * found ({@link dev.vigil.spi.store.StoreProvider}, {@link dev.vigil.spi.store.Stores}). Every backend passes the
 * conformance suite in vigil-testkit.
 */
package dev.vigil.spi.store;
