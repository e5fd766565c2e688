package dev.vigil.storage.fs;

import dev.vigil.spi.StoreException;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Trace;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The JDBC archive target: one table, {@value #TABLE}, created when missing:
 *
 * <pre>
 *   trace_id        VARCHAR(512) PRIMARY KEY
 *   experiment_id   VARCHAR(64)  the store's experiment id
 *   request_time_ms BIGINT       the trace's request time, epoch milliseconds
 *   archive_day     VARCHAR(10)  its UTC day, yyyy-MM-dd (the partition of the file archive)
 *   trace_json      TEXT / CLOB  the MLflow trace JSON with its assessments
 * </pre>
 *
 * A trace whose id is in the table is not written again. Rows of one call are inserted in one transaction.
 */
final class JdbcArchive {
    static final String TABLE = "vigil_trace_archive";
    private static final int INSERT_BATCH = 200;

    private JdbcArchive() {}

    /**
     * @param jdbcUrl where to archive (its driver on the class or module path)
     * @param experimentId the experiment
     * @param refs the traces to archive
     * @param load reads a trace with its assessments
     * @return what was written
     */
    static ArchiveResult write(String jdbcUrl, String experimentId, List<TraceRef> refs,
            Function<List<TraceRef>, List<Trace>> load) {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            createTable(c);
            Set<String> present = existing(c, experimentId, refs);
            List<TraceRef> fresh = refs.stream().filter(r -> !present.contains(r.traceId())).toList();
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                    + " (trace_id, experiment_id, request_time_ms, archive_day, trace_json) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < fresh.size(); i += INSERT_BATCH) {
                    List<Trace> traces = load.apply(fresh.subList(i, Math.min(fresh.size(), i + INSERT_BATCH)));
                    for (Trace t : traces) {
                        insert.setString(1, t.traceId());
                        insert.setString(2, experimentId);
                        insert.setLong(3, t.info().requestTime().toEpochMilli());
                        insert.setString(4, LocalDate.ofInstant(t.info().requestTime(), ZoneOffset.UTC).toString());
                        insert.setString(5, MlflowJson.writeTrace(t));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            return new ArchiveResult(experimentId, fresh.size(), refs.size() - fresh.size(), List.of());
        } catch (SQLException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            String shown = masked(message);
            // drivers repeat the URL in their messages: keep the cause only if it shows no password
            throw shown.equals(message)
                    ? new StoreException("cannot archive experiment " + experimentId + " to " + masked(jdbcUrl)
                            + ": " + shown, e)
                    : new StoreException("cannot archive experiment " + experimentId + " to " + masked(jdbcUrl)
                            + ": " + shown + " (SQLState " + e.getSQLState() + ")");
        }
    }

    private static void createTable(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String text = product.contains("h2") || product.contains("oracle") || product.contains("db2") ? "CLOB" : "TEXT";
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (trace_id VARCHAR(512) PRIMARY KEY, "
                    + "experiment_id VARCHAR(64) NOT NULL, request_time_ms BIGINT NOT NULL, "
                    + "archive_day VARCHAR(10) NOT NULL, trace_json " + text + " NOT NULL)");
        }
    }

    private static Set<String> existing(Connection c, String experimentId, List<TraceRef> refs) throws SQLException {
        Set<String> out = new HashSet<>();
        if (refs.isEmpty()) {
            return out;
        }
        Instant from = refs.stream().map(TraceRef::requestTime).min(Instant::compareTo).orElseThrow();
        Instant to = refs.stream().map(TraceRef::requestTime).max(Instant::compareTo).orElseThrow();
        try (PreparedStatement q = c.prepareStatement("SELECT trace_id FROM " + TABLE
                + " WHERE experiment_id = ? AND request_time_ms >= ? AND request_time_ms <= ?")) {
            q.setString(1, experimentId);
            q.setLong(2, from.toEpochMilli());
            q.setLong(3, to.toEpochMilli());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** @return the URL with any password parameter masked */
    static String masked(String url) {
        return dev.vigil.spi.Secrets.mask(url);
    }
}
