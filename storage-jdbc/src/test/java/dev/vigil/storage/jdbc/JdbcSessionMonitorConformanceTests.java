package dev.vigil.storage.jdbc;

import dev.vigil.core.conformance.EngineSessionMonitorSuite;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * The session monitor conformance suite on each dialect, each test on a new database: the two engines open two
 * stores on that database (each with its own registry, runner and id), and the reopen scenario runs.
 */
class JdbcSessionMonitorConformanceTests {

    abstract static class OnDialect extends EngineSessionMonitorSuite {
        private String url;

        abstract Dialect dialect();

        @Override
        protected Store openStore(Clock clock) {
            url = TestDatabases.newUrl(dialect());
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "2")));
        }

        @Override
        protected Store openSharedStore(Clock clock) {
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "2")));
        }

        @Override
        protected Store reopenStore(Clock clock) {
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "2")));
        }
    }

    @Nested
    class H2SessionMonitor extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    @Nested
    class SqliteSessionMonitor extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }

    @Nested
    class PostgresSessionMonitor extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }
}
