package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.spi.store.support.KeysetPager;
import dev.vigil.spi.store.support.PageToken;
import dev.vigil.spi.store.support.ScanKey;
import dev.vigil.spi.store.support.StoreArguments;
import dev.vigil.storage.jdbc.TraceRows.Stored;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Scans and counts of an experiment's traces by request time: keyset paging with page tokens, and filters pushed
 * down to SQL, with the part SQL cannot express evaluated on the rows read.
 */
final class TraceScanner {
    /** The tag of this store's page tokens. */
    private static final String TOKEN_TAG = "j2";

    private static final String ORDER = " ORDER BY t.request_ms, t.request_sub_ns, t.trace_id";

    private final Database db;
    private final TraceRows rows;
    private final FilterSql filterSql;

    TraceScanner(Database db, TraceRows rows) {
        this.db = db;
        this.rows = rows;
        this.filterSql = new FilterSql(db.dialect());
    }

    /** @see dev.vigil.spi.store.TraceStore#scan(TraceQuery, String, int) */
    TracePage scan(TraceQuery query, String pageToken, int maxResults) {
        // compiled even when the SQL is exact, so that a filter the language rejects fails the same on every store
        KeysetPager.Scan scan = StoreArguments.scan(query, pageToken, maxResults, TOKEN_TAG);
        PageKey after = scan.after() == null ? null : PageKey.of(scan.after());
        FilterSql.Condition cond = query.filter() == null ? null : filterSql.translate(query.filter());
        Predicate<Trace> residual = cond == null || cond.exact() ? null : scan.filter();
        return db.autoCommit("scan traces of experiment " + query.experimentId(), c -> {
            if (Sql.existing(c, "experiments", "experiment_id", List.of(query.experimentId())).isEmpty()) {
                throw new InvalidInputException("experiment " + query.experimentId() + " does not exist; cannot scan it");
            }
            List<Stored> matched = new ArrayList<>();
            PageKey position = after;
            // an exact condition needs one query of maxResults + 1 rows; with a residual predicate, read chunks
            // until the page is full or the range is exhausted
            int fetch = residual == null ? maxResults + 1 : Math.max(2 * (maxResults + 1), 256);
            while (true) {
                List<Stored> range = fetchRange(c, query, position, cond, fetch);
                // the predicate may read assessments (feedback.<name>), so they are attached before it runs
                List<Stored> candidates = residual == null ? range : rows.withAssessments(c, range);
                for (Stored r : candidates) {
                    if (r.trace() != null && (residual == null || residual.test(r.trace()))) {
                        matched.add(r);
                        if (matched.size() > maxResults) {
                            break;
                        }
                    }
                }
                if (matched.size() > maxResults || range.size() < fetch) {
                    break;
                }
                position = PageKey.of(range.get(range.size() - 1));
            }
            boolean more = matched.size() > maxResults;
            List<Stored> page = more ? matched.subList(0, maxResults) : matched;
            String token = more ? new PageToken(query.experimentId(), PageKey.of(page.get(page.size() - 1)).scanKey())
                    .encode(TOKEN_TAG) : null;
            List<Trace> out = new ArrayList<>(page.size());
            (residual == null ? rows.withAssessments(c, page) : page).forEach(s -> out.add(s.trace()));
            return new TracePage(out, token);
        });
    }

    /**
     * Counts in place what a scan of the query would return, when the filter translates to SQL exactly.
     *
     * @return the count, or empty when SQL only narrows the rows and the caller must count what the scan returns
     * @see dev.vigil.spi.store.TraceStore#count(TraceQuery)
     */
    OptionalLong countExact(TraceQuery query) {
        // checked and compiled as the scan does, so that a rejected filter fails the same way
        StoreArguments.scan(query, null, 1, TOKEN_TAG);
        FilterSql.Condition cond = query.filter() == null ? null : filterSql.translate(query.filter());
        if (cond != null && !cond.exact()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(db.autoCommit("count traces of experiment " + query.experimentId(), c -> {
            if (Sql.existing(c, "experiments", "experiment_id", List.of(query.experimentId())).isEmpty()) {
                throw new InvalidInputException("experiment " + query.experimentId()
                        + " does not exist; cannot count its traces");
            }
            StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM traces t WHERE t.experiment_id = ?");
            List<Object> params = new ArrayList<>();
            params.add(query.experimentId());
            appendRange(sql, params, query, null, cond);
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                Sql.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }));
    }

    private List<Stored> fetchRange(Connection c, TraceQuery q, PageKey after, FilterSql.Condition cond, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(TraceRows.ROW_COLUMNS)
                .append(" FROM traces t WHERE t.experiment_id = ?");
        List<Object> params = new ArrayList<>();
        params.add(q.experimentId());
        appendRange(sql, params, q, after, cond);
        sql.append(ORDER).append(" LIMIT ?");
        params.add(limit);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(ps, params);
            return rows.read(ps);
        }
    }

    /** The scan's conditions after the experiment: time range, page position, pushed-down filter. */
    private static void appendRange(StringBuilder sql, List<Object> params, TraceQuery q, PageKey after,
            FilterSql.Condition cond) {
        long fromMs = Sql.millis(q.from());
        long toMs = Sql.millis(q.to());
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
    }

    /** A scan position in the table's own columns: request milliseconds, the nanoseconds below, trace id. */
    private record PageKey(long ms, int subNs, String traceId) {
        static PageKey of(Stored s) {
            return new PageKey(s.ms(), s.subNs(), s.traceId());
        }

        static PageKey of(ScanKey k) {
            return new PageKey(Sql.millis(k.time()), k.time().getNano() % 1_000_000, k.traceId());
        }

        ScanKey scanKey() {
            return new ScanKey(Instant.ofEpochMilli(ms).plusNanos(subNs), traceId);
        }
    }
}
