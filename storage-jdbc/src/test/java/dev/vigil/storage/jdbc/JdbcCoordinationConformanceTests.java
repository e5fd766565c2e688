package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.CoordinationConformanceSuite;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The Coordination conformance suite on each dialect (migration V5), each test on a new database. */
class JdbcCoordinationConformanceTests {

    abstract static class OnDialect extends CoordinationConformanceSuite {
        private String url;

        abstract Dialect dialect();

        @Override
        protected Store openStore(Clock clock) {
            url = TestDatabases.newUrl(dialect());
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "2")));
        }

        @Override
        protected Store reopenStore(Clock clock) {
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "2")));
        }
    }

    @Nested
    class H2Coordination extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    @Nested
    class PostgresCoordination extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }

    @Nested
    class SqliteCoordination extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }
}
