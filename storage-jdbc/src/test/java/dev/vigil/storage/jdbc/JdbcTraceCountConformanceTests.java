package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.TraceCountConformanceSuite;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The trace count conformance suite on each dialect (a COUNT(*) with the scan's pushdown), each test on a new database. */
class JdbcTraceCountConformanceTests {

    abstract static class OnDialect extends TraceCountConformanceSuite {
        abstract Dialect dialect();

        @Override
        protected Store openStore(Clock clock) {
            return Stores.open(TestDatabases.newUrl(dialect()), new StoreOptions(clock, Map.of("pool.size", "2")));
        }
    }

    @Nested
    class H2TraceCount extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    @Nested
    class PostgresTraceCount extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }

    @Nested
    class SqliteTraceCount extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }
}
