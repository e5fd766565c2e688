package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.FilterEvaluator;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.spi.store.TraceStore;
import dev.vigil.spi.store.support.KeysetPager;
import dev.vigil.spi.store.support.PageToken;
import dev.vigil.spi.store.support.ScanKey;
import dev.vigil.spi.store.support.StoreArguments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Traces: one {@code traces} row each (info columns and the MLflow JSON), plus rows for their tags, metadata and
 * spans that filters are pushed down to.
 */
final class JdbcTraceStore implements TraceStore {
    /** The tag of this store's page tokens. */
    private static final String TOKEN_TAG = "j2";


    /** Rows per IN list and per JDBC batch. */
    static final int CHUNK = 500;

    private static final String ROW_COLUMNS = "t.trace_id, t.request_ms, t.request_sub_ns, t.body, t.seq";
    private static final String ORDER = " ORDER BY t.request_ms, t.request_sub_ns, t.trace_id";

    private final Database db;
    private final JdbcAssessmentStore assessments;
    private final FilterSql filterSql;

    JdbcTraceStore(Database db, JdbcAssessmentStore assessments) {
        this.db = db;
        this.assessments = assessments;
        this.filterSql = new FilterSql(db.dialect());
    }

    // ------------------------------------------------------------------ writing

    @Override
    public void put(List<Trace> traces) {
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
            Set<String> known = existing(c, "experiments", "experiment_id", experimentIds);
            for (String e : experimentIds) {
                if (!known.contains(e)) {
                    throw new InvalidInputException("experiment " + e + " does not exist (trace "
                            + firstTraceOf(byId.values(), e) + "); create it first; nothing of the batch was written");
                }
            }
            Set<String> stored = replacing[0] ? existing(c, "traces", "trace_id", byId.keySet()) : Set.of();
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
                        if (++nUpd % CHUNK == 0) {
                            upd.executeBatch();
                        }
                    } else {
                        ins.add(r.values(seq++));
                    }
                }
                ins.finish();
                if (nUpd % CHUNK != 0) {
                    upd.executeBatch();
                }
            }
            if (!stored.isEmpty()) {
                for (String table : List.of("trace_tags", "trace_metadata", "trace_spans")) {
                    try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE trace_id = ?")) {
                        batch(del, stored, (ps, id) -> ps.setString(1, id));
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

    /** MLflow's metadata key for the run a trace belongs to. */
    static final String SOURCE_RUN = "mlflow.sourceRun";

    /** @return the trace name as the filter language reads {@code attributes.name} (kept in a column for SQL) */
    static String traceName(Trace t) {
        return FilterEvaluator.traceName(t);
    }

    /** A trace as its {@code traces} row. */
    private record Row(String traceId, Trace trace, long requestMs, int subNs, String body) {
        static Row of(Trace t) {
            Instant rt = t.info().requestTime();
            long ms = millis(rt);
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
                duration == null ? nullLong : duration, duration == null ? nullLong : saturatingAdd(requestMs, duration),
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
                ps.setLong(6, saturatingAdd(requestMs, duration));
            }
            ps.setString(7, info.state().name());
            ps.setString(8, info.clientRequestId());
            ps.setString(9, traceName(trace));
            ps.setString(10, info.traceMetadata().get(SOURCE_RUN));
            ps.setString(11, body);
            ps.setString(12, traceId);
        }
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Optional<Trace> get(String traceId) {
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

    @Override
    public TracePage scan(TraceQuery query, String pageToken, int maxResults) {
        // compiled even when the SQL is exact, so that a filter the language rejects fails the same on every store
        KeysetPager.Scan scan = StoreArguments.scan(query, pageToken, maxResults, TOKEN_TAG);
        PageKey after = scan.after() == null ? null : PageKey.of(scan.after());
        FilterSql.Condition cond = query.filter() == null ? null : filterSql.translate(query.filter());
        Predicate<Trace> residual = cond == null || cond.exact() ? null : scan.filter();
        return db.autoCommit("scan traces of experiment " + query.experimentId(), c -> {
            if (existing(c, "experiments", "experiment_id", List.of(query.experimentId())).isEmpty()) {
                throw new InvalidInputException("experiment " + query.experimentId() + " does not exist; cannot scan it");
            }
            List<Stored> matched = new ArrayList<>();
            PageKey position = after;
            // an exact condition needs one query of maxResults + 1 rows; with a residual predicate, read chunks
            // until the page is full or the range is exhausted
            int fetch = residual == null ? maxResults + 1 : Math.max(2 * (maxResults + 1), 256);
            while (true) {
                List<Stored> rows = fetchRange(c, query, position, cond, fetch);
                // the predicate may read assessments (feedback.<name>), so they are attached before it runs
                List<Stored> candidates = residual == null ? rows : withAssessments(c, rows);
                for (Stored r : candidates) {
                    if (r.trace() != null && (residual == null || residual.test(r.trace()))) {
                        matched.add(r);
                        if (matched.size() > maxResults) {
                            break;
                        }
                    }
                }
                if (matched.size() > maxResults || rows.size() < fetch) {
                    break;
                }
                position = PageKey.of(rows.get(rows.size() - 1));
            }
            boolean more = matched.size() > maxResults;
            List<Stored> page = more ? matched.subList(0, maxResults) : matched;
            String token = more ? new PageToken(query.experimentId(), PageKey.of(page.get(page.size() - 1)).scanKey())
                    .encode(TOKEN_TAG) : null;
            List<Trace> out = new ArrayList<>(page.size());
            (residual == null ? withAssessments(c, page) : page).forEach(s -> out.add(s.trace()));
            return new TracePage(out, token);
        });
    }

    private List<Stored> fetchRange(Connection c, TraceQuery q, PageKey after, FilterSql.Condition cond, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(ROW_COLUMNS).append(" FROM traces t WHERE t.experiment_id = ?");
        List<Object> params = new ArrayList<>();
        params.add(q.experimentId());
        long fromMs = millis(q.from());
        long toMs = millis(q.to());
        sql.append(" AND t.request_ms >= ? AND t.request_ms <= ?");
        params.add(fromMs);
        params.add(toMs);
        sql.append(" AND (t.request_ms > ? OR t.request_sub_ns >= ?)");
        params.add(fromMs);
        params.add(q.from().getNano() % 1_000_000);
        sql.append(" AND (t.request_ms < ? OR t.request_sub_ns < ?)");
        params.add(toMs);
        params.add(q.to().getNano() % 1_000_000);
        if (after != null) {
            // The plain range bound comes first so that every dialect seeks the (experiment, time) index to the
            // page start; the OR that follows is not sargable on its own, and without this bound H2 re-read the
            // range from its beginning for every page (a 100k-trace backfill went quadratic).
            sql.append(" AND t.request_ms >= ?");
            params.add(after.ms);
            sql.append(" AND (t.request_ms > ? OR (t.request_ms = ? AND (t.request_sub_ns > ?"
                    + " OR (t.request_sub_ns = ? AND t.trace_id > ?))))");
            params.add(after.ms);
            params.add(after.ms);
            params.add(after.subNs);
            params.add(after.subNs);
            params.add(after.traceId);
        }
        if (cond != null && !cond.isTrivial()) {
            sql.append(" AND (").append(cond.sql()).append(')');
            params.addAll(cond.params());
        }
        sql.append(ORDER).append(" LIMIT ?");
        params.add(limit);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, params);
            return read(ps);
        }
    }

    @Override
    public List<TailEntry> tail(long afterSequence, int limit) {
        StoreArguments.tail(afterSequence, limit);
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

    @Override
    public long count(String experimentId) {
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

    // ------------------------------------------------------------------ helpers

    /** A stored trace without its assessments yet; its trace is null if the row could not be read (skipped). */
    private record Stored(String traceId, long ms, int subNs, Trace trace, long seq) {}

    /**
     * Reads trace rows. A row that cannot be decoded (written by an older version without limits, or damaged) is
     * logged and counted once and kept as a placeholder with a null trace, so that paging and cursors still move
     * past it; callers drop the placeholders.
     */
    private List<Stored> read(PreparedStatement ps) throws SQLException {
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

    private List<Stored> withAssessments(Connection c, List<Stored> rows) throws SQLException {
        if (rows.isEmpty()) {
            return rows;
        }
        List<String> ids = new ArrayList<>(rows.size());
        rows.forEach(r -> {
            if (r.trace() != null) {
                ids.add(r.traceId());
            }
        });
        Map<String, List<dev.vigil.spi.model.Assessment>> byTrace = assessments.loadFor(c, ids);
        List<Stored> out = new ArrayList<>(rows.size());
        for (Stored r : rows) {
            List<dev.vigil.spi.model.Assessment> as = r.trace() == null ? null : byTrace.get(r.traceId());
            out.add(as == null ? r : new Stored(r.traceId(), r.ms(), r.subNs(), r.trace().withAssessments(as), r.seq()));
        }
        return out;
    }

    /** @return which of the values are in the table's column */
    static Set<String> existing(Connection c, String table, String column, Collection<String> values)
            throws SQLException {
        Set<String> out = new HashSet<>();
        List<String> list = new ArrayList<>(values);
        for (int i = 0; i < list.size(); i += CHUNK) {
            List<String> chunk = list.subList(i, Math.min(list.size(), i + CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE " + column
                    + " IN (" + FilterSql.placeholders(chunk.size()) + ")")) {
                for (int j = 0; j < chunk.size(); j++) {
                    ps.setString(j + 1, chunk.get(j));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /** Binds one row of a batch. */
    @FunctionalInterface
    interface Binder<T> {
        void bind(PreparedStatement ps, T item) throws SQLException;
    }

    static <T> void batch(PreparedStatement ps, Collection<T> items, Binder<T> binder) throws SQLException {
        int n = 0;
        for (T item : items) {
            binder.bind(ps, item);
            ps.addBatch();
            if (++n % CHUNK == 0) {
                ps.executeBatch();
            }
        }
        if (n % CHUNK != 0) {
            ps.executeBatch();
        }
    }

    static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            switch (p) {
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                case Double d -> ps.setDouble(i + 1, d);
                default -> ps.setObject(i + 1, p);
            }
        }
    }

    static long millis(Instant t) {
        try {
            return t.toEpochMilli();
        } catch (ArithmeticException overflow) {
            return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** Where a scan stopped: the (request time, trace id) of the last trace returned. */
    /** A scan position in the table's own columns: request milliseconds, the nanoseconds below, trace id. */
    private record PageKey(long ms, int subNs, String traceId) {
        static PageKey of(Stored s) {
            return new PageKey(s.ms(), s.subNs(), s.traceId());
        }

        static PageKey of(ScanKey k) {
            return new PageKey(millis(k.time()), k.time().getNano() % 1_000_000, k.traceId());
        }

        ScanKey scanKey() {
            return new ScanKey(Instant.ofEpochMilli(ms).plusNanos(subNs), traceId);
        }
    }
}
