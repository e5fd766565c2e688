package dev.vigil.storage.jdbc;

import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.UnreadableRowsConformanceSuite;
import dev.vigil.testkit.store.WriteLimitsConformanceSuite;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * Write limits and poison-proof reading on each dialect: the rows are made unreadable with raw SQL, as an older
 * Vigil without limits wrote them.
 */
class JdbcUnreadableRowsTests {

    private static Connection raw(Dialect dialect, String url) throws SQLException {
        return DriverManager.getConnection(dialect == Dialect.H2 ? url + ";DB_CLOSE_ON_EXIT=FALSE" : url);
    }

    abstract static class Poisoned extends UnreadableRowsConformanceSuite {
        private String url;

        abstract Dialect dialect();

        @Override
        protected Store openStore(Clock clock) {
            url = TestDatabases.newUrl(dialect());
            return Stores.open(url, new StoreOptions(clock, Map.of("pool.size", "2")));
        }

        @Override
        protected Store plantHugeAssessment(Store store, Assessment assessment) {
            Assessment stored = store.assessments().upsertScorerFeedback(java.util.List.of(assessment)).get(0);
            String body = MlflowJson.writeAssessment(stored.toBuilder().feedback("x".repeat(HUGE)).build());
            update("UPDATE assessments SET body = ? WHERE assessment_id = ?", body, stored.assessmentId());
            return store;
        }

        @Override
        protected Store plantUndecodableTrace(Store store, Trace trace) {
            // one string over the JSON reader's limit: the row is not over the store's read bound, so the JSON
            // reader itself refuses it, as it did in the reported blocker
            Trace big = new Trace(trace.info(), java.util.List.of(trace.spans().get(0).toBuilder()
                    .outputs("x".repeat(HUGE)).build()));
            update("UPDATE traces SET body = ? WHERE trace_id = ?", MlflowJson.writeTrace(big), trace.traceId());
            return store;
        }

        @Override
        protected Store plantUndecodableScorer(Store store, dev.vigil.spi.scorer.ScorerVersion version) {
            try (Connection c = raw(dialect(), url); PreparedStatement ps = c.prepareStatement("UPDATE scorer_versions"
                    + " SET config = ? WHERE experiment_id = ? AND name = ? AND version = ?")) {
                ps.setString(1, "{\"class\": \"com.example.a\""); // cut short: not JSON
                ps.setString(2, version.experimentId());
                ps.setString(3, version.name());
                ps.setInt(4, version.version());
                if (ps.executeUpdate() != 1) {
                    throw new AssertionError("no scorer row " + version);
                }
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
            return store;
        }

        @Override
        protected Store plantUnknownJobStatus(Store store, dev.vigil.spi.store.Job job) {
            update("UPDATE jobs SET status = ? WHERE job_id = ?", "PAUSED_BY_A_NEWER_VERSION", job.jobId());
            return store;
        }

        private void update(String sql, String body, String id) {
            try (Connection c = raw(dialect(), url); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, body);
                ps.setString(2, id);
                if (ps.executeUpdate() != 1) {
                    throw new AssertionError("no row " + id);
                }
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Nested
    class H2Poisoned extends Poisoned {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    @Nested
    class SqlitePoisoned extends Poisoned {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }

    @Nested
    class PostgresPoisoned extends Poisoned {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }

    abstract static class Limited extends WriteLimitsConformanceSuite {
        abstract Dialect dialect();

        @Override
        protected Store openStore(Clock clock) {
            return Stores.open(TestDatabases.newUrl(dialect()), new StoreOptions(clock, Map.of("pool.size", "2")));
        }
    }

    @Nested
    class H2Limits extends Limited {
        @Override
        Dialect dialect() {
            return Dialect.H2;
        }
    }

    @Nested
    class SqliteLimits extends Limited {
        @Override
        Dialect dialect() {
            return Dialect.SQLITE;
        }
    }

    @Nested
    class PostgresLimits extends Limited {
        @Override
        Dialect dialect() {
            return Dialect.POSTGRESQL;
        }
    }
}
