package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Fresh, empty databases of each dialect for the tests: H2 and SQLite in files, PostgreSQL on a real server. */
final class TestDatabases {

    private TestDatabases() {}

    /** @return the URL of a new empty database of that dialect */
    static String newUrl(Dialect dialect) {
        return switch (dialect) {
            case H2 -> "jdbc:h2:file:" + tempDir("h2") + "/vigil";
            case SQLITE -> "jdbc:sqlite:" + tempDir("sqlite") + "/vigil.db";
            case POSTGRESQL -> TestPostgres.shared().newDatabase();
        };
    }

    /** @return a store on a new empty database */
    static JdbcStore open(Dialect dialect, Clock clock) {
        return JdbcStore.open(newUrl(dialect), new StoreOptions(clock, Map.of("pool.size", "4")));
    }

    static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory("vigil-" + prefix + "-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
