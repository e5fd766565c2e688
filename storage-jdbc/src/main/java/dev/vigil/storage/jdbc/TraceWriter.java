package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.FilterEvaluator;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trace store's write path: checks a batch against the limits, then writes each trace's {@code traces} row and
 * the rows of its tags, metadata and spans as multi-row inserts, replacing traces already stored.
 */
final class TraceWriter {

    /** MLflow's metadata key for the run a trace belongs to. */
    static final String SOURCE_RUN = "mlflow.sourceRun";

    private final Database db;

    TraceWriter(Database db) {
        this.db = db;
    }

    /** @see dev.vigil.spi.store.TraceStore#put(List) */
    void put(List<Trace> traces) {
        if (traces == null) {
            throw new InvalidInputException("put needs a list of traces, got null");
        }
        if (traces.isEmpty()) {
            return;
        }
        db.limits().checkTraces(traces);
        // the last form of a trace id in the batch wins, as if they had been put one after the other
        Map<String, Trace> byId = new LinkedHashMap<>();
        for (Trace t : traces) {
            if (t == null) {
                throw new InvalidInputException("put got a null trace in its batch; nothing was written");
            }
            t.validateForStorage();
            byId.remove(t.traceId());
            byId.put(t.traceId(), t);
        }
        Set<String> experimentIds = new HashSet<>();
        byId.values().forEach(t -> experimentIds.add(t.experimentId()));
        List<Row> rows = new ArrayList<>(byId.size());
        byId.values().forEach(t -> rows.add(Row.of(t)));

        // No read before the write: the first attempt inserts every trace as new; if one was already stored, the
        // trace's primary key fails the statement, the transaction rolls back, and Database runs it again (it
        // retries unique-key violations), this time reading which traces exist and replacing those.
        boolean[] replacing = {false};
        db.inTransaction("write " + rows.size() + " trace(s)", c -> {
            Set<String> known = Sql.existing(c, "experiments", "experiment_id", experimentIds);
            for (String e : experimentIds) {
                if (!known.contains(e)) {
                    throw new InvalidInputException("experiment " + e + " does not exist (trace "
                            + firstTraceOf(byId.values(), e) + "); create it first; nothing of the batch was written");
                }
            }
            Set<String> stored = replacing[0] ? Sql.existing(c, "traces", "trace_id", byId.keySet()) : Set.of();
            replacing[0] = true;
            if (!stored.isEmpty()) {
                JdbcRollupStore.moveTraces(c, byId, stored);
            }
            long last = Counters.next(c, "trace_seq", rows.size());
            long seq = last - rows.size() + 1;
            try (MultiRowInsert ins = new MultiRowInsert(c, "traces", "experiment_id, seq, request_ms, "
                    + "request_sub_ns, duration_ms, end_ms, state, client_request_id, trace_name, run_id, body, trace_id");
                    PreparedStatement upd = stored.isEmpty() ? null : c.prepareStatement("UPDATE traces SET "
                            + "experiment_id = ?, seq = ?, request_ms = ?, request_sub_ns = ?, duration_ms = ?, "
                            + "end_ms = ?, state = ?, client_request_id = ?, trace_name = ?, run_id = ?, body = ? "
                            + "WHERE trace_id = ?")) {
                int nUpd = 0;
                for (Row r : rows) {
                    if (stored.contains(r.traceId)) {
                        r.bind(upd, seq++);
                        upd.addBatch();
                        if (++nUpd % Sql.CHUNK == 0) {
                            upd.executeBatch();
                        }
                    } else {
                        ins.add(r.values(seq++));
                    }
                }
                ins.finish();
                if (nUpd % Sql.CHUNK != 0) {
                    upd.executeBatch();
                }
            }
            if (!stored.isEmpty()) {
                for (String table : List.of("trace_tags", "trace_metadata", "trace_spans")) {
                    try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE trace_id = ?")) {
                        Sql.batch(del, stored, (ps, id) -> ps.setString(1, id));
                    }
                }
            }
            try (MultiRowInsert tags = new MultiRowInsert(c, "trace_tags", "trace_id, tag_key, tag_value");
                    MultiRowInsert md = new MultiRowInsert(c, "trace_metadata", "trace_id, md_key, md_value");
                    MultiRowInsert spans = new MultiRowInsert(c, "trace_spans",
                            "trace_id, span_no, span_name, span_type, span_status")) {
                for (Row r : rows) {
                    TraceInfo info = r.trace.info();
                    for (Map.Entry<String, String> e : info.tags().entrySet()) {
                        tags.add(r.traceId, e.getKey(), e.getValue());
                    }
                    for (Map.Entry<String, String> e : info.traceMetadata().entrySet()) {
                        md.add(r.traceId, e.getKey(), e.getValue());
                    }
                    int no = 0;
                    for (Span s : r.trace.spans()) {
                        spans.add(r.traceId, no++, s.name(), s.spanType(), s.status().code().name());
                    }
                }
                tags.finish();
                md.finish();
                spans.finish();
            }
            return null;
        });
    }

    private static String firstTraceOf(Collection<Trace> traces, String experimentId) {
        return traces.stream().filter(t -> t.experimentId().equals(experimentId)).findFirst()
                .map(Trace::traceId).orElse("?");
    }

    /** @return the trace name as the filter language reads {@code attributes.name} (kept in a column for SQL) */
    static String traceName(Trace t) {
        return FilterEvaluator.traceName(t);
    }

    /** A trace as its {@code traces} row. */
    private record Row(String traceId, Trace trace, long requestMs, int subNs, String body) {
        static Row of(Trace t) {
            Instant rt = t.info().requestTime();
            long ms = Sql.millis(rt);
            int sub = rt.getNano() % 1_000_000;
            // assessments are not part of the trace row: they live in their own table and are read with it
            String body = MlflowJson.writeTrace(t.info().assessments().isEmpty() ? t : t.withAssessments(List.of()));
            return new Row(t.traceId(), t, ms, sub, body);
        }

        /** @return the row's values in the order of the insert's columns (as {@link #bind}) */
        Object[] values(long seq) {
            TraceInfo info = trace.info();
            Long duration = info.executionDurationMs();
            Object nullLong = MultiRowInsert.nullOf(Types.BIGINT);
            return new Object[] {info.experimentId(), seq, requestMs, subNs,
                duration == null ? nullLong : duration,
                duration == null ? nullLong : Sql.saturatingAdd(requestMs, duration),
                info.state().name(), info.clientRequestId(), traceName(trace), info.traceMetadata().get(SOURCE_RUN),
                body, traceId};
        }

        void bind(PreparedStatement ps, long seq) throws SQLException {
            TraceInfo info = trace.info();
            ps.setString(1, info.experimentId());
            ps.setLong(2, seq);
            ps.setLong(3, requestMs);
            ps.setInt(4, subNs);
            Long duration = info.executionDurationMs();
            if (duration == null) {
                ps.setNull(5, Types.BIGINT);
                ps.setNull(6, Types.BIGINT);
            } else {
                ps.setLong(5, duration);
                ps.setLong(6, Sql.saturatingAdd(requestMs, duration));
            }
            ps.setString(7, info.state().name());
            ps.setString(8, info.clientRequestId());
            ps.setString(9, traceName(trace));
            ps.setString(10, info.traceMetadata().get(SOURCE_RUN));
            ps.setString(11, body);
            ps.setString(12, traceId);
        }
    }
}
