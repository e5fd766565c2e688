package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.StoreProvider;

/**
 * Opens {@link JdbcStore}s for {@code jdbc:} URIs: {@code jdbc:h2:file:./vigil-data/vigil} (the embedded
 * default), {@code jdbc:postgresql://host:5432/db}, {@code jdbc:sqlite:vigil.db}. See {@link JdbcStore#open} for
 * the options it reads.
 */
public final class JdbcStoreProvider implements StoreProvider {

    /** The default store URI: an H2 database in files under {@code ./vigil-data}. */
    public static final String DEFAULT_URI = "jdbc:h2:file:./vigil-data/vigil";

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public JdbcStoreProvider() {}

    @Override
    public String scheme() {
        return "jdbc";
    }

    @Override
    public Store open(String uri, StoreOptions options) {
        return JdbcStore.open(uri, options);
    }
}
