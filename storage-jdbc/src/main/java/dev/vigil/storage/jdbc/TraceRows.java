package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.store.TailEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code traces} rows back into traces: decoding (skipping rows that cannot be read), attaching assessments,
 * and the reads by id, by arrival sequence and the plain count.
 */
final class TraceRows {

    /** The columns {@link #read} expects, in order, from the {@code traces} table aliased {@code t}. */
    static final String ROW_COLUMNS = "t.trace_id, t.request_ms, t.request_sub_ns, t.body, t.seq";

    /** A stored trace without its assessments yet; its trace is null if the row could not be read (skipped). */
    record Stored(String traceId, long ms, int subNs, Trace trace, long seq) {}

    private final Database db;
    private final JdbcAssessmentStore assessments;

    TraceRows(Database db, JdbcAssessmentStore assessments) {
        this.db = db;
        this.assessments = assessments;
    }

    /** @see dev.vigil.spi.store.TraceStore#get(String) */
    Optional<Trace> get(String traceId) {
        if (traceId == null) {
            return Optional.empty();
        }
        return db.autoCommit("read trace " + traceId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + ROW_COLUMNS + " FROM traces t WHERE t.trace_id = ?")) {
                ps.setString(1, traceId);
                List<Stored> rows = read(ps);
                return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(withAssessments(c, rows).get(0).trace());
            }
        });
    }

    /** @see dev.vigil.spi.store.TraceStore#tail(long, int) */
    List<TailEntry> tail(long afterSequence, int limit) {
        return db.autoCommit("tail traces after sequence " + afterSequence, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + ROW_COLUMNS + " FROM traces t WHERE t.seq > ? ORDER BY t.seq LIMIT ?")) {
                ps.setLong(1, afterSequence);
                ps.setInt(2, limit);
                List<TailEntry> out = new ArrayList<>();
                for (Stored s : withAssessments(c, read(ps))) {
                    if (s.trace() != null) {
                        out.add(new TailEntry(s.seq(), s.trace()));
                    }
                }
                return out;
            }
        });
    }

    /** @see dev.vigil.spi.store.TraceStore#count(String) */
    long count(String experimentId) {
        return db.autoCommit("count traces of experiment " + experimentId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM traces WHERE experiment_id = ?")) {
                ps.setString(1, experimentId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * Reads trace rows selected as {@link #ROW_COLUMNS}. A row that cannot be decoded (written by an older version
     * without limits, or damaged) is logged and counted once and kept as a placeholder with a null trace, so that
     * paging and cursors still move past it; callers drop the placeholders.
     */
    List<Stored> read(PreparedStatement ps) throws SQLException {
        List<Stored> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString(1);
                long ms = rs.getLong(2);
                int sub = rs.getInt(3);
                String body = rs.getString(4);
                Trace t;
                try {
                    if (body != null && body.length() > db.limits().maxTraceRowChars()) {
                        throw new InvalidInputException("the row is " + body.length() + " characters, over the "
                                + db.limits().maxTraceRowChars() + " a trace can take");
                    }
                    t = MlflowJson.readTrace(body);
                } catch (RuntimeException e) {
                    db.skipped().skip("trace", id, e.getMessage());
                    out.add(new Stored(id, ms, sub, null, rs.getLong(5)));
                    continue;
                }
                Instant exact = Instant.ofEpochSecond(Math.floorDiv(ms, 1000), Math.floorMod(ms, 1000) * 1_000_000L + sub);
                TraceInfo info = t.info().requestTime().equals(exact) && t.traceId().equals(id) ? t.info()
                        : t.info().toBuilder().traceId(id).requestTime(exact).build();
                out.add(new Stored(id, ms, sub, new Trace(info, t.spans()), rs.getLong(5)));
            }
        }
        return out;
    }

    /** @return the rows with their traces' current assessments attached (placeholders left as they are) */
    List<Stored> withAssessments(Connection c, List<Stored> rows) throws SQLException {
        if (rows.isEmpty()) {
            return rows;
        }
        List<String> ids = new ArrayList<>(rows.size());
        rows.forEach(r -> {
            if (r.trace() != null) {
                ids.add(r.traceId());
            }
        });
        Map<String, List<Assessment>> byTrace = assessments.loadFor(c, ids);
        List<Stored> out = new ArrayList<>(rows.size());
        for (Stored r : rows) {
            List<Assessment> as = r.trace() == null ? null : byTrace.get(r.traceId());
            out.add(as == null ? r : new Stored(r.traceId(), r.ms(), r.subNs(), r.trace().withAssessments(as), r.seq()));
        }
        return out;
    }
}
