package dev.vigil.storage.jdbc;

import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.RetryQueue;
import dev.vigil.spi.store.RetryQueueState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The retry queue in the {@code pending_retries} table (migration V5), one row per (trace, scorer name, version).
 * A claim reads the due rows (on PostgreSQL {@code FOR UPDATE SKIP LOCKED}, so that engines claiming at once take
 * different rows) and moves each one's due time with a conditional {@code UPDATE}: a row another claimer moved
 * first is not returned.
 */
final class JdbcRetryQueue implements RetryQueue {

    private static final int MESSAGE_LIMIT = 4000;
    private static final String COLUMNS = "experiment_id, trace_id, scorer_name, scorer_version, attempts, "
            + "first_failed_ns, next_attempt_ns, last_kind, last_message";
    private static final String ORDER = " ORDER BY next_attempt_ns, trace_id, scorer_name, scorer_version";

    private final Database db;

    JdbcRetryQueue(Database db) {
        this.db = db;
    }

    @Override
    public void defer(List<PendingRetry> pairs) {
        RetryQueueState.requireNoNull(pairs);
        if (pairs.isEmpty()) {
            return;
        }
        db.inTransaction("defer " + pairs.size() + " pending retr(ies)", c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM pending_retries WHERE trace_id = ? "
                    + "AND scorer_name = ? AND scorer_version = ?")) {
                Sql.batch(del, pairs, (ps, p) -> {
                    ps.setString(1, p.traceId());
                    ps.setString(2, p.scorerName());
                    ps.setInt(3, p.scorerVersion());
                });
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO pending_retries (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                Sql.batch(ins, dedup(pairs), (ps, p) -> {
                    ps.setString(1, p.experimentId());
                    ps.setString(2, p.traceId());
                    ps.setString(3, p.scorerName());
                    ps.setInt(4, p.scorerVersion());
                    ps.setInt(5, p.attempts());
                    ps.setLong(6, EpochNanos.of(p.firstFailedAt()));
                    ps.setLong(7, EpochNanos.of(p.nextAttemptAt()));
                    ps.setString(8, p.lastKind() == null ? "" : p.lastKind().name());
                    String m = p.lastMessage();
                    ps.setString(9, m.length() > MESSAGE_LIMIT ? m.substring(0, MESSAGE_LIMIT) : m);
                });
            }
            return null;
        });
    }

    /** The last of each key wins, as in {@link RetryQueueState}. */
    private static List<PendingRetry> dedup(List<PendingRetry> pairs) {
        RetryQueueState s = new RetryQueueState();
        s.defer(pairs);
        return s.all();
    }

    @Override
    public List<PendingRetry> claim(Instant now, int limit, Duration holdFor) {
        RetryQueueState.requireClaimArgs(now, limit, holdFor);
        return db.inTransaction("claim pending retries", c -> {
            List<PendingRetry> due;
            String sql = "SELECT " + COLUMNS + " FROM pending_retries WHERE next_attempt_ns <= ?" + ORDER + " LIMIT ?";
            if (db.dialect().hasSkipLocked()) {
                sql += " FOR UPDATE SKIP LOCKED";
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, EpochNanos.of(now));
                ps.setInt(2, limit);
                due = read(ps);
            }
            long hidden = EpochNanos.of(now.plus(holdFor));
            List<PendingRetry> out = new ArrayList<>(due.size());
            try (PreparedStatement up = c.prepareStatement("UPDATE pending_retries SET next_attempt_ns = ? "
                    + "WHERE trace_id = ? AND scorer_name = ? AND scorer_version = ? AND next_attempt_ns = ?")) {
                for (PendingRetry p : due) {
                    up.setLong(1, hidden);
                    up.setString(2, p.traceId());
                    up.setString(3, p.scorerName());
                    up.setInt(4, p.scorerVersion());
                    up.setLong(5, EpochNanos.of(p.nextAttemptAt()));
                    if (up.executeUpdate() == 1) {
                        out.add(p);
                    }
                }
            }
            return out;
        });
    }

    @Override
    public boolean remove(String traceId, String scorerName, int scorerVersion) {
        return db.autoCommit("remove pending retry", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pending_retries WHERE trace_id = ? "
                    + "AND scorer_name = ? AND scorer_version = ?")) {
                ps.setString(1, traceId);
                ps.setString(2, scorerName);
                ps.setInt(3, scorerVersion);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<PendingRetry> list(String experimentId, String scorerName, int scorerVersion, int limit) {
        if (limit < 1) {
            throw new dev.vigil.spi.InvalidInputException("list needs a positive limit, got " + limit);
        }
        return db.autoCommit("list pending retries of " + scorerName, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM pending_retries WHERE "
                    + "experiment_id = ? AND scorer_name = ? AND scorer_version = ?" + ORDER + " LIMIT ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, scorerName);
                ps.setInt(3, scorerVersion);
                ps.setInt(4, limit);
                return read(ps);
            }
        });
    }

    @Override
    public long count(String experimentId, String scorerName, int scorerVersion) {
        return db.autoCommit("count pending retries of " + scorerName, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pending_retries WHERE "
                    + "experiment_id = ? AND scorer_name = ? AND scorer_version = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, scorerName);
                ps.setInt(3, scorerVersion);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public int makeDue(String experimentId, String scorerName, int scorerVersion, Instant at) {
        Objects.requireNonNull(at, "at");
        return db.autoCommit("make pending retries of " + scorerName + " due", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE pending_retries SET next_attempt_ns = ? WHERE "
                    + "experiment_id = ? AND scorer_name = ? AND scorer_version = ?")) {
                ps.setLong(1, EpochNanos.of(at));
                ps.setString(2, experimentId);
                ps.setString(3, scorerName);
                ps.setInt(4, scorerVersion);
                return ps.executeUpdate();
            }
        });
    }

    private static FailureKind kind(String s) {
        return s == null || s.isEmpty() ? null : FailureKind.valueOf(s);
    }

    private static List<PendingRetry> read(PreparedStatement ps) throws SQLException {
        List<PendingRetry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new PendingRetry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getInt(5), EpochNanos.toInstant(rs.getLong(6)), EpochNanos.toInstant(rs.getLong(7)),
                        kind(rs.getString(8)), rs.getString(9)));
            }
        }
        return out;
    }
}
