package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.BudgetStoreConformanceSuite;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The budget store conformance suite on each dialect (migration V6), each test on a new database. */
class JdbcBudgetStoreConformanceTests {

    abstract static class OnDialect extends BudgetStoreConformanceSuite {
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
    class H2Budgets extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    @Nested
    class PostgresBudgets extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }

    @Nested
    class SqliteBudgets extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }
}
