package dev.vigil.storage.jdbc;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.FilterConformanceSuite;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;

/**
 * Each dialect's pushed-down scan selects what the shared evaluator selects (the filter conformance suite), on a
 * new database each.
 */
class JdbcFilterConformanceTests {

    abstract static class OnDialect extends FilterConformanceSuite {
        abstract Dialect dialect();

        @Override
        protected Store openStore(Clock clock) {
            return Stores.open(TestDatabases.newUrl(dialect()), new StoreOptions(clock, Map.of("pool.size", "4")));
        }

        @Override
        protected Function<String, FilterExpr> parser() {
            return s -> TraceFilter.parse(s).expr();
        }
    }

    @Nested
    class H2Filters extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    @Nested
    class PostgresFilters extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }

    @Nested
    class SqliteFilters extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }
}
