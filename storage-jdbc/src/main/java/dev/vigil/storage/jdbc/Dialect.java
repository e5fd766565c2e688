package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import java.sql.SQLException;
import java.util.Locale;

/** The SQL databases the JDBC store runs on, with what differs between them. */
public enum Dialect {
    /** H2 2.x: embedded in file mode ({@code jdbc:h2:file:...}), in memory, or in server mode. */
    H2("jdbc:h2:", "h2", "H2", "com.h2database:h2", "com.h2database"),
    /** PostgreSQL 14 or newer ({@code jdbc:postgresql://host:port/db}). */
    POSTGRESQL("jdbc:postgresql:", "postgresql", "PostgreSQL", "org.postgresql:postgresql", "org.postgresql.jdbc"),
    /** SQLite 3 through the xerial driver ({@code jdbc:sqlite:path}). */
    SQLITE("jdbc:sqlite:", "sqlite", "SQLite", "org.xerial:sqlite-jdbc", "org.xerial.sqlitejdbc");

    private final String urlPrefix;
    private final String migrationFolder;
    private final String displayName;
    private final String driverArtifact;
    private final String driverModule;

    Dialect(String urlPrefix, String migrationFolder, String displayName, String driverArtifact,
            String driverModule) {
        this.urlPrefix = urlPrefix;
        this.migrationFolder = migrationFolder;
        this.displayName = displayName;
        this.driverArtifact = driverArtifact;
        this.driverModule = driverModule;
    }

    /** @return the database's name as people write it: {@code H2}, {@code PostgreSQL}, {@code SQLite} */
    public String displayName() {
        return displayName;
    }

    /**
     * The JDBC driver is the application's dependency (the store's Maven dependencies on the drivers are optional,
     * its module {@code requires static} them): this is what to add for this database.
     *
     * @return the driver's Maven {@code groupId:artifactId}, e.g. {@code org.postgresql:postgresql}
     */
    public String driverArtifact() {
        return driverArtifact;
    }

    /** @return the driver's module name on the module path, e.g. {@code org.postgresql.jdbc} */
    public String driverModule() {
        return driverModule;
    }

    /**
     * @param jdbcUrl a JDBC URL
     * @return the dialect it names
     * @throws InvalidInputException for a database this store does not support
     */
    public static Dialect of(String jdbcUrl) {
        String lower = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        for (Dialect d : values()) {
            if (lower.startsWith(d.urlPrefix)) {
                return d;
            }
        }
        throw new InvalidInputException("unsupported JDBC URL '" + JdbcUrls.mask(jdbcUrl)
                + "'; the JDBC store supports jdbc:h2:file:./vigil-data/vigil (H2), "
                + "jdbc:postgresql://host:5432/db (PostgreSQL 14+) and jdbc:sqlite:path/vigil.db (SQLite)");
    }

    /** @return the resource folder holding this dialect's migration scripts */
    String migrationFolder() {
        return "vigil-migrations/" + migrationFolder;
    }

    /** @return true if this database has {@code SELECT ... FOR UPDATE SKIP LOCKED} */
    boolean hasSkipLocked() {
        return this == POSTGRESQL;
    }

    /** @return true if the database's LIKE is case-sensitive and takes an empty ESCAPE clause */
    boolean hasCaseSensitiveLike() {
        return this != SQLITE;
    }

    /** @return true if ordering comparisons of strings follow Java's {@link String#compareTo} */
    boolean ordersStringsLikeJava() {
        return this == H2;
    }

    /**
     * @param e a failure
     * @return true if it is a unique-key violation (another writer inserted the same key first)
     */
    boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            String state = x.getSQLState();
            if ("23505".equals(state)) {
                return true;
            }
            if (this == SQLITE && x.getMessage() != null
                    && (x.getMessage().contains("UNIQUE constraint failed")
                            || x.getMessage().contains("PRIMARY KEY constraint failed"))) {
                return true;
            }
            if (x.getCause() instanceof SQLException c && c != x && isUniqueViolation(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param e a failure
     * @return true if retrying the transaction may succeed: a serialization failure, a deadlock, a busy database
     */
    boolean isTransientConflict(SQLException e) {
        String state = e.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state)) {
            return true;
        }
        return this == SQLITE && e.getMessage() != null
                && (e.getMessage().contains("SQLITE_BUSY") || e.getMessage().contains("database is locked"));
    }
}
