package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.FilterConformanceSuite;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * Each dialect's pushed-down scan selects what the shared evaluator selects (the filter conformance suite), on a
 * new database each, reopened after writing; a good share of the filters must run in SQL alone. (It replaces the
 * JDBC-only PushdownPropertyTest.)
 */
class JdbcFilterConformanceTests {

    abstract static class OnDialect extends FilterConformanceSuite {
        private String url;
        private int filters;
        private int exact;

        abstract Dialect dialect();

        @Override
        protected Store openStore(Clock clock) {
            url = TestDatabases.newUrl(dialect());
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "4")));
        }

        @Override
        protected Store reopen(Store written, Clock clock) {
            written.close();
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "4")));
        }

        @Override
        protected Function<String, FilterExpr> parser() {
            return s -> TraceFilter.parse(s).expr();
        }

        @Override
        protected void agreed(FilterExpr filter) {
            filters++;
            if (new FilterSql(dialect()).translate(filter).exact()) {
                exact++;
            }
        }

        @AfterEach
        void manyRanInSqlAlone() {
            if (filters == 0) {
                return; // a test with fixed cases (ILIKE folding), not the random filters this counts
            }
            System.out.println("filter conformance on " + dialect() + ": " + exact + " of " + filters
                    + " filters pushed down exactly");
            // the property is only worth something for SQL if many filters really run in SQL alone (content,
            // assessments, prompt, span attributes and SQLite's LIKE and RLIKE run in Java)
            assertThat(exact).as("filters translated exactly on " + dialect()).isGreaterThan(filters / 10);
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
