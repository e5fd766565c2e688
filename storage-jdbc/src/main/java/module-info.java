/** Vigil: the JDBC store (H2, PostgreSQL, SQLite). */
module dev.vigil.storage.jdbc {
    requires transitive dev.vigil.spi;
    requires dev.vigil.core;
}
