/**
 * The JDBC store: {@link dev.vigil.storage.jdbc.JdbcStore} on H2 (file mode, the embedded default), PostgreSQL
 * or SQLite, found by {@link dev.vigil.spi.store.Stores#open(String)} for {@code jdbc:} URIs through
 * {@link dev.vigil.storage.jdbc.JdbcStoreProvider}, and {@link dev.vigil.storage.jdbc.JdbcLeases}, the leases
 * several engine instances on one database divide the work with.
 */
package dev.vigil.storage.jdbc;
