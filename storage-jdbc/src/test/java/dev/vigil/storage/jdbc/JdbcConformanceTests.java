package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.DurableStoreConformanceSuite;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * The store conformance suite on each dialect, with stores opened through {@link Stores} from {@code jdbc:} URIs
 * as users open them, each test on a new database. All three are durable, so the reopen test runs too.
 */
class JdbcConformanceTests {

    /** Opens the suite's stores on new databases of one dialect. */
    abstract static class OnDialect extends DurableStoreConformanceSuite {
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

    /** H2 in file mode, the embedded default. */
    @Nested
    class H2Conformance extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    /** PostgreSQL 14, a real server. */
    @Nested
    class PostgresConformance extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }

    /** SQLite in a file. */
    @Nested
    class SqliteConformance extends OnDialect {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }
}
