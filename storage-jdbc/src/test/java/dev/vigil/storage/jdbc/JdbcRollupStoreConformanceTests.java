package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.RollupStoreConformanceSuite;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The rollup store conformance suite on each dialect (migration V7), each test on a new database. */
class JdbcRollupStoreConformanceTests {

    abstract static class OnDialect extends RollupStoreConformanceSuite {
        private String url;

        abstract Dialect dialect();

        @Override
        protected Store openStore(Clock clock) {
            url = TestDatabases.newUrl(dialect());
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "4")));
        }

        @Override
        protected Store reopenStore(Clock clock) {
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "4")));
        }
    }

    @Nested
    class H2Rollups extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    @Nested
    class PostgresRollups extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }

    @Nested
    class SqliteRollups extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }
}
