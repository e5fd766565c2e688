package dev.vigil.storage.jdbc;

import dev.vigil.spi.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Creates and upgrades the schema with Flyway, from per-dialect SQL scripts shipped in this module
 * ({@code vigil-migrations/<dialect>/V<n>__<what>.sql}).
 *
 * <p>The scripts are listed here and read through this module's own class, not found by Flyway's class-path
 * scanning, which cannot see into a named module's resources. A database whose schema is newer than the newest
 * script here (written by a newer Vigil) is refused before anything is changed.
 */
final class SchemaMigrations {

    /** Every migration script, oldest first; add new ones at the end, never edit a released one. */
    static final List<String> SCRIPTS = List.of("V1__schema.sql", "V4__monitors.sql", "V5__retries_and_streams.sql",
            "V6__budgets.sql", "V7__rollups.sql", "V8__budget_reservations.sql", "V9__notification_outbox.sql",
            "V10__trace_revision.sql");

    /** The schema version this code reads and writes. */
    static final MigrationVersion CURRENT = MigrationVersion.fromVersion("10");

    /** Flyway's history table. */
    static final String HISTORY_TABLE = "vigil_schema_history";

    private SchemaMigrations() {}

    /**
     * Brings the database to {@link #CURRENT}.
     *
     * @throws StoreException if the database is at a newer schema, or a migration fails
     */
    static void migrate(DataSource dataSource, Dialect dialect, String maskedUrl) {
        Flyway flyway = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .resourceProvider(new ScriptProvider(dialect))
                .locations("classpath:" + dialect.migrationFolder())
                .validateOnMigrate(true)
                .loggers("slf4j")
                .load();
        try {
            MigrationInfo current = flyway.info().current();
            if (current != null && current.getVersion() != null && current.getVersion().isNewerThan(CURRENT.getVersion())) {
                throw new StoreException("the database at " + maskedUrl + " has Vigil schema version "
                        + current.getVersion() + " (\"" + current.getDescription() + "\"), newer than version "
                        + CURRENT + " that this Vigil understands; upgrade Vigil to open it (nothing was changed)");
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot create or upgrade the Vigil schema on " + maskedUrl + ": "
                    + JdbcUrls.mask(e.getMessage()), e);
        }
    }

    /** Serves the dialect's scripts from this module's resources. */
    private static final class ScriptProvider implements ResourceProvider {
        private final Dialect dialect;

        ScriptProvider(Dialect dialect) {
            this.dialect = dialect;
        }

        @Override
        public LoadableResource getResource(String name) {
            for (LoadableResource r : all()) {
                if (r.getRelativePath().equals(name) || r.getFilename().equals(name)) {
                    return r;
                }
            }
            return null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            List<LoadableResource> out = new ArrayList<>();
            for (LoadableResource r : all()) {
                if (!r.getFilename().startsWith(prefix)) {
                    continue;
                }
                for (String suffix : suffixes) {
                    if (r.getFilename().endsWith(suffix)) {
                        out.add(r);
                        break;
                    }
                }
            }
            return out;
        }

        private List<LoadableResource> all() {
            List<LoadableResource> out = new ArrayList<>();
            for (String script : SCRIPTS) {
                out.add(new Script(dialect.migrationFolder() + "/" + script, script));
            }
            return out;
        }
    }

    /** One script, read from this module. */
    private static final class Script extends LoadableResource {
        private final String path;
        private final String filename;

        Script(String path, String filename) {
            this.path = path;
            this.filename = filename;
        }

        @Override
        public Reader read() {
            try (InputStream in = SchemaMigrations.class.getResourceAsStream("/" + path)) {
                if (in == null) {
                    throw new StoreException("migration script " + path + " is missing from vigil-storage-jdbc");
                }
                return new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new StoreException("cannot read migration script " + path + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return path;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return path;
        }

        @Override
        public String getFilename() {
            return filename;
        }

        @Override
        public String getRelativePath() {
            return filename;
        }
    }

}
