/**
 * Vigil: the JDBC store (H2 in file mode by default, PostgreSQL, SQLite), opened from {@code jdbc:} URIs through
 * {@link dev.vigil.spi.store.Stores#open(String)}.
 */
module dev.vigil.storage.jdbc {
    requires transitive dev.vigil.spi;
    requires java.sql;
    requires com.zaxxer.hikari;
    requires flyway.core;
    requires flyway.database.postgresql;
    requires com.h2database;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports dev.vigil.storage.jdbc;

    provides dev.vigil.spi.store.StoreProvider with dev.vigil.storage.jdbc.JdbcStoreProvider;
}
