package dev.vigil.storage.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.vigil.spi.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;

/**
 * The pooled database one store works on: runs units of work in transactions, retries the ones that lost a race,
 * and turns SQL failures into {@link StoreException}s that name the URL (password masked).
 */
final class Database implements AutoCloseable {

    /** How often a transaction that lost a race (unique key, serialization, busy) is run again. */
    private static final int MAX_ATTEMPTS = 6;

    /** A unit of work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final HikariDataSource pool;
    private final Dialect dialect;
    private final String maskedUrl;
    private final Clock clock;
    private final dev.vigil.spi.store.SkippedRows skipped;
    private final dev.vigil.spi.store.WriteLimits limits = dev.vigil.spi.store.WriteLimits.DEFAULTS;

    Database(HikariDataSource pool, Dialect dialect, String maskedUrl, Clock clock) {
        this.pool = pool;
        this.dialect = dialect;
        this.maskedUrl = maskedUrl;
        this.clock = clock;
        this.skipped = new dev.vigil.spi.store.SkippedRows(maskedUrl);
    }

    /** @return the unreadable rows met so far (logged and skipped) */
    dev.vigil.spi.store.SkippedRows skipped() {
        return skipped;
    }

    /** @return what this store accepts */
    dev.vigil.spi.store.WriteLimits limits() {
        return limits;
    }

    Dialect dialect() {
        return dialect;
    }

    Clock clock() {
        return clock;
    }

    String maskedUrl() {
        return maskedUrl;
    }

    /**
     * Runs work in one transaction; commits if it returns, rolls back if it throws. A transaction that fails on a
     * unique-key race, a serialization failure or a busy database is run again (the work must re-read what it
     * decides on, so that the retry sees the winner's row).
     */
    <T> T inTransaction(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connection(what)) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c, e);
                    throw e;
                }
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && (dialect.isUniqueViolation(e) || dialect.isTransientConflict(e))) {
                    continue;
                }
                throw failure(what, e);
            }
        }
    }

    /** Runs read-only or single-statement work in auto-commit mode. */
    <T> T autoCommit(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connection(what)) {
                return work.run(c);
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && dialect.isTransientConflict(e)) {
                    continue;
                }
                throw failure(what, e);
            }
        }
    }

    private Connection connection(String what) {
        if (pool.isClosed()) {
            throw new StoreException("the store " + maskedUrl + " is closed; cannot " + what);
        }
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            throw new StoreException("cannot " + what + ": no database connection from the pool for " + maskedUrl
                    + " within " + pool.getConnectionTimeout() + " ms (pool size " + pool.getMaximumPoolSize()
                    + "; the database may be down or every connection is busy): " + e.getMessage(), e);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    StoreException failure(String what, SQLException e) {
        return new StoreException("cannot " + what + " on " + maskedUrl + ": " + e.getMessage()
                + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")"), e);
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    boolean isClosed() {
        return pool.isClosed();
    }
}
