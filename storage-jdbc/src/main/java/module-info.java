/**
 * Vigil: the JDBC store (H2 in file mode by default, PostgreSQL, SQLite), opened from {@code jdbc:} URIs through
 * {@link dev.vigil.spi.store.Stores#open(String)}. Each database's JDBC driver is the application's dependency
 * ({@code com.h2database:h2}, {@code org.postgresql:postgresql}, {@code org.xerial:sqlite-jdbc}); opening a URL whose
 * driver is missing fails with an error naming the one to add.
 */
module dev.vigil.storage.jdbc {
    requires transitive dev.vigil.spi;
    requires java.sql;
    requires com.zaxxer.hikari;
    requires flyway.core;
    requires flyway.database.postgresql;
    // the drivers are the application's to add (found through java.sql.Driver services; no class refers to one)
    requires static com.h2database;
    requires static org.xerial.sqlitejdbc;
    requires static org.postgresql.jdbc;
    requires org.slf4j;

    exports dev.vigil.storage.jdbc;

    provides dev.vigil.spi.store.StoreProvider with dev.vigil.storage.jdbc.JdbcStoreProvider;
}
