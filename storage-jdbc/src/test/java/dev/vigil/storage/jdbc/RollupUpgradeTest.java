package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.support.RollupRules;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A database written before migration V7 (scorer feedback, no rollups) is upgraded with rollups marked not ready,
 * still takes writes, and after a rebuild holds the rows of its values.
 */
class RollupUpgradeTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aDatabaseWithFeedbackBeforeV7_isNotReadyUntilRebuilt(Dialect dialect) throws Exception {
        String url = TestDatabases.newUrl(dialect);
        String exp;
        try (JdbcStore store = JdbcStore.open(url, StoreOptions.defaults())) {
            exp = store.experiments().getOrCreate("upgrade").experimentId();
            List<Trace> traces = new ArrayList<>();
            List<Assessment> feedback = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String id = "tr-" + i;
                traces.add(new Trace(TraceInfo.builder().traceId(id).experimentId(exp)
                        .requestTime(T0.plusSeconds(i * 600L)).state(TraceState.OK).build(), List.of()));
                feedback.add(feedback(id, i % 3 != 0));
            }
            store.traces().put(traces);
            store.assessments().upsertScorerFeedback(feedback);
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // back to what version 6 left: no rollup tables, no V7 in the history (and V8, V9, V10 undone, which came
            // after; V10 is then applied again to rows already there)
            undoTraceRevision(s, dialect);
            s.executeUpdate("DELETE FROM \"vigil_schema_history\" WHERE \"version\" = '10'");
            s.executeUpdate("DROP TABLE notification_outbox");
            s.executeUpdate("DELETE FROM \"vigil_schema_history\" WHERE \"version\" = '9'");
            s.executeUpdate("DROP TABLE budget_reservations");
            s.executeUpdate("ALTER TABLE budgets DROP COLUMN notify_json");
            s.executeUpdate("DELETE FROM \"vigil_schema_history\" WHERE \"version\" = '8'");
            s.executeUpdate("DROP TABLE rollup_categories");
            s.executeUpdate("DROP TABLE rollups");
            s.executeUpdate("DELETE FROM vigil_counters WHERE name = 'rollups_ready'");
            s.executeUpdate("DELETE FROM \"vigil_schema_history\" WHERE \"version\" = '7'");
        }
        Instant end = T0.plus(Duration.ofHours(6));
        try (JdbcStore store = JdbcStore.open(url, StoreOptions.defaults())) {
            assertThat(store.rollups().ready()).isFalse();
            // writes go on while not ready: a replacement of feedback whose row is missing does not fail
            store.assessments().upsertScorerFeedback(List.of(feedback("tr-0", true)));

            store.rollups().rebuild(null);

            assertThat(store.rollups().ready()).isTrue();
            List<Rollup> rows = store.rollups().hourly(exp, "quality", T0, end);
            assertThat(rows).extracting(Rollup::count).containsExactly(6L, 6L, 6L, 6L, 6L);
            assertThat(rows).isEqualTo(RollupRules.of(exp,
                    store.assessments().valuesByScorer(exp, "quality", T0, end)));
            assertThat(rows.get(0).passed()).isEqualTo(5); // tr-0 now passes; tr-3 does not
        }
    }

    /** Undoes V10: scorer feedback keyed without the trace revision, as before it. */
    private static void undoTraceRevision(Statement s, Dialect dialect) throws java.sql.SQLException {
        if (dialect != Dialect.SQLITE) {
            s.executeUpdate("ALTER TABLE assessments DROP CONSTRAINT assessments_scorer_key");
            s.executeUpdate("ALTER TABLE assessments DROP COLUMN trace_revision");
            s.executeUpdate("ALTER TABLE assessments ADD CONSTRAINT assessments_scorer_key "
                    + "UNIQUE (trace_id, name, scorer_name, scorer_version)");
            return;
        }
        s.executeUpdate("CREATE TABLE assessments_v9 (ord INTEGER PRIMARY KEY AUTOINCREMENT, "
                + "assessment_id TEXT NOT NULL UNIQUE, trace_id TEXT NOT NULL, name TEXT NOT NULL, scorer_name TEXT, "
                + "scorer_version INTEGER, created_ns INTEGER NOT NULL, updated_ns INTEGER NOT NULL, body TEXT NOT NULL, "
                + "CONSTRAINT assessments_scorer_key UNIQUE (trace_id, name, scorer_name, scorer_version))");
        s.executeUpdate("INSERT INTO assessments_v9 SELECT ord, assessment_id, trace_id, name, scorer_name, "
                + "scorer_version, created_ns, updated_ns, body FROM assessments");
        s.executeUpdate("DROP TABLE assessments");
        s.executeUpdate("ALTER TABLE assessments_v9 RENAME TO assessments");
        s.executeUpdate("CREATE INDEX assessments_by_scorer ON assessments (scorer_name, scorer_version, trace_id)");
    }

    private static Assessment feedback(String traceId, boolean pass) {
        return Assessment.builder().name("quality").traceId(traceId).source(AssessmentSource.code("quality"))
                .createTime(T0).lastUpdateTime(T0).feedback(pass)
                .metadata(Assessment.METADATA_SCORER_NAME, "quality")
                .metadata(Assessment.METADATA_SCORER_VERSION, "1")
                .metadata(RollupRules.METADATA_SAMPLE_RATE, "1.0").build();
    }
}
