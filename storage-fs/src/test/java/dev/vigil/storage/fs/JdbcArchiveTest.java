package dev.vigil.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.StoreOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archival to a real database (H2 in a file) as the target: one table, created when missing. */
class JdbcArchiveTest {
    private static final Instant T0 = Instant.parse("2026-04-01T23:59:00Z");

    @TempDir
    Path tmp;

    @Test
    void archiveToJdbc_createsTheTable_writesEachTraceOnce_andReadsBackEqual() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("archive-db") + ";USER=sa;PASSWORD=secret";
        try (FsStore store = FsStore.open(tmp.resolve("store"), new StoreOptions(new MutableClock(T0),
                Map.of("fs.archiveIntervalMs", "0")))) {
            String exp = store.experiments().getOrCreate("e").experimentId();
            List<Trace> traces = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                traces.add(TestTraces.rag(exp, i, T0.plusSeconds(i)));
            }
            store.traces().put(traces);
            store.assessments().upsertScorerFeedback(List.of(
                    TestTraces.feedback(traces.get(5).traceId(), "q", "judge", 1, 0.75, T0)));
            ArchiveResult first = store.archiveToJdbc(exp, url, T0, T0.plusSeconds(200));
            assertThat(first.written()).isEqualTo(200);
            ArchiveResult again = store.archiveToJdbc(exp, url, T0, T0.plusSeconds(300));
            assertThat(again.written()).isEqualTo(100);
            assertThat(again.alreadyArchived()).isEqualTo(200);
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT trace_id, archive_day, trace_json FROM "
                            + JdbcArchive.TABLE + " ORDER BY request_time_ms, trace_id")) {
                int n = 0;
                while (rs.next()) {
                    Trace read = MlflowJson.readTrace(rs.getString(3));
                    assertThat(read.traceId()).isEqualTo(rs.getString(1));
                    assertThat(read).isEqualTo(store.traces().get(read.traceId()).orElseThrow());
                    assertThat(rs.getString(2)).isEqualTo(n < 60 ? "2026-04-01" : "2026-04-02");
                    n++;
                }
                assertThat(n).isEqualTo(300);
            }
            assertThatThrownBy(() -> store.archiveToJdbc(exp, "jdbc:nosuchdb:x;password=hunter2", T0, T0))
                    .isInstanceOf(StoreException.class).hasMessageContaining("password=***")
                    .hasMessageNotContaining("hunter2");
            assertThatThrownBy(() -> store.archiveToJdbc(exp, "/tmp/not-jdbc", T0, T0))
                    .isInstanceOf(InvalidInputException.class);
        }
    }
}
