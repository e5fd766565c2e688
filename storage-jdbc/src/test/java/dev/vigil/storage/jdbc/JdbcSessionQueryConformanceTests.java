package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.SessionQueryConformanceSuite;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The session query conformance suite on each dialect, each test on a new database. */
class JdbcSessionQueryConformanceTests {

    abstract static class OnDialect extends SessionQueryConformanceSuite {
        abstract Dialect dialect();

        @Override
        protected Store openStore(Clock clock) {
            return Stores.open(TestDatabases.newUrl(dialect()), new StoreOptions(clock, Map.of("pool.size", "4")));
        }
    }

    @Nested
    class H2Sessions extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    @Nested
    class PostgresSessions extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }

    @Nested
    class SqliteSessions extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }
}
