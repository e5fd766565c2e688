package dev.vigil.storage.jdbc;

import dev.vigil.spi.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The JDBC drivers are the application's dependencies, not the store's: its Maven dependencies on H2, PostgreSQL
 * and SQLite are optional and its module {@code requires static} them, and no class of the store refers to a driver
 * class. A store URL is checked for a driver before the pool is made, so that a missing one fails with one error
 * naming the database and the Maven coordinates to add instead of the pool's "No suitable driver".
 */
final class JdbcDrivers {

    private static final String VERSIONS = "driver-versions.properties";
    private static final Properties TESTED_VERSIONS = load();

    private JdbcDrivers() {}

    /**
     * @param dialect the URL's database
     * @param url the URL the pool will connect with
     * @param maskedUrl the URL with any password masked, for the message
     * @throws StoreException if no registered driver accepts the URL (the dialect's driver is not on the class path
     *         or module path), naming the Maven coordinates to add
     */
    static void require(Dialect dialect, String url, String maskedUrl) {
        try {
            // the lookup the pool makes (a driver found through java.sql.Driver service providers)
            DriverManager.getDriver(url);
        } catch (SQLException noSuitableDriver) {
            throw new StoreException(missingMessage(dialect, maskedUrl));
        }
    }

    /**
     * @param dialect a database
     * @param maskedUrl the store URL with any password masked
     * @return the message for a store URL of that database whose driver is missing
     */
    static String missingMessage(Dialect dialect, String maskedUrl) {
        return "cannot open the store " + maskedUrl + ": the " + dialect.displayName()
                + " JDBC driver is not on the class path or module path. The JDBC store leaves each database's driver"
                + " to the application: add the dependency " + coordinates(dialect)
                + " (on the module path it is the module " + dialect.driverModule() + ")";
    }

    /**
     * @param dialect a database
     * @return the driver's Maven coordinates with the version this store is built and tested with (pinned in the
     *         parent pom), e.g. {@code org.postgresql:postgresql:42.7.8}; without a version if the jar was not built
     *         by Maven
     */
    static String coordinates(Dialect dialect) {
        String v = TESTED_VERSIONS.getProperty(dialect.name(), "").trim();
        return v.isEmpty() || v.startsWith("${") ? dialect.driverArtifact() : dialect.driverArtifact() + ":" + v;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = JdbcDrivers.class.getResourceAsStream(VERSIONS)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VERSIONS + " from the storage-jdbc jar", e);
        }
        return p;
    }
}
