package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetUsage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The SQL of a budget's counters ({@code budget_usage}, one row per budget and period) and of the reservations of
 * calls in flight ({@code budget_reservations}), run inside the {@link JdbcBudgetStore}'s transactions. A reservation
 * is one conditional {@code UPDATE} whose {@code WHERE} holds the limits.
 */
final class BudgetUsageSql {

    static final String UCOLS = "experiment_id, budget_name, period_start_ns, spent_tokens, spent_nusd, "
            + "reserved_tokens, reserved_nusd, calls, skipped, alerted_percent";
    static final String KEY = " WHERE experiment_id = ? AND budget_name = ? AND period_start_ns = ?";

    private BudgetUsageSql() {}

    /** @return the counters of a budget's period, zero if it has no row yet */
    static BudgetUsage read(Connection c, String experimentId, String name, Instant periodStart) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + UCOLS + " FROM budget_usage" + KEY)) {
            key(ps, experimentId, name, periodStart, 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return BudgetUsage.empty(experimentId, name, periodStart);
                }
                return new BudgetUsage(rs.getString(1), rs.getString(2), EpochNanos.toInstant(rs.getLong(3)),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                        rs.getLong(9), rs.getInt(10));
            }
        }
    }

    /** Binds the row key (experiment, budget, period start) from parameter {@code from}. */
    static void key(PreparedStatement ps, String experimentId, String name, Instant periodStart, int from)
            throws SQLException {
        ps.setString(from, experimentId);
        ps.setString(from + 1, name);
        ps.setLong(from + 2, EpochNanos.of(periodStart));
    }

    /** Inserts the period's zero row if missing (a racing insert fails the transaction, which is run again). */
    static void ensureRow(Connection c, Budget b, Instant periodStart) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM budget_usage" + KEY)) {
            key(ps, b.experimentId(), b.name(), periodStart, 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO budget_usage (" + UCOLS
                + ") VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, 0)")) {
            key(ps, b.experimentId(), b.name(), periodStart, 1);
            ps.executeUpdate();
        }
    }

    /** Reserves against the limits: false (nothing changed) if the amounts do not fit. */
    static boolean reserve(Connection c, Budget b, Instant periodStart, long tokens, long nanoUsd)
            throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE budget_usage SET reserved_tokens = reserved_tokens + ?, "
                + "reserved_nusd = reserved_nusd + ?").append(KEY);
        if (b.maxTokens() > 0) {
            sql.append(" AND spent_tokens + reserved_tokens < ? AND spent_tokens + reserved_tokens + ? <= ?");
        }
        if (b.maxNanoUsd() > 0) {
            sql.append(" AND spent_nusd + reserved_nusd < ? AND spent_nusd + reserved_nusd + ? <= ?");
        }
        ensureRow(c, b, periodStart);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setLong(1, tokens);
            ps.setLong(2, nanoUsd);
            key(ps, b.experimentId(), b.name(), periodStart, 3);
            int i = 6;
            if (b.maxTokens() > 0) {
                ps.setLong(i++, b.maxTokens());
                ps.setLong(i++, tokens);
                ps.setLong(i++, b.maxTokens());
            }
            if (b.maxNanoUsd() > 0) {
                ps.setLong(i++, b.maxNanoUsd());
                ps.setLong(i++, nanoUsd);
                ps.setLong(i, b.maxNanoUsd());
            }
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes a held reservation and releases it from its counters; false if it is not held (any more). */
    static boolean releaseHeld(Connection c, String reservationId) throws SQLException {
        String experimentId;
        String name;
        long periodNs;
        long tokens;
        long nusd;
        try (PreparedStatement ps = c.prepareStatement("SELECT experiment_id, budget_name, period_start_ns, tokens, "
                + "nusd FROM budget_reservations WHERE reservation_id = ?")) {
            ps.setString(1, reservationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                experimentId = rs.getString(1);
                name = rs.getString(2);
                periodNs = rs.getLong(3);
                tokens = rs.getLong(4);
                nusd = rs.getLong(5);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM budget_reservations WHERE reservation_id = ?")) {
            ps.setString(1, reservationId);
            if (ps.executeUpdate() != 1) {
                return false; // released by a concurrent reclaim, which committed first
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE budget_usage SET "
                + "reserved_tokens = CASE WHEN reserved_tokens > ? THEN reserved_tokens - ? ELSE 0 END, "
                + "reserved_nusd = CASE WHEN reserved_nusd > ? THEN reserved_nusd - ? ELSE 0 END" + KEY)) {
            ps.setLong(1, tokens);
            ps.setLong(2, tokens);
            ps.setLong(3, nusd);
            ps.setLong(4, nusd);
            ps.setString(5, experimentId);
            ps.setString(6, name);
            ps.setLong(7, periodNs);
            ps.executeUpdate();
        }
        return true;
    }

    /** Releases a reservation's amounts and counts what the call spent. */
    static void settle(Connection c, Budget b, Instant periodStart, long reservedTokens,
            long reservedNanoUsd, long tokens, long nanoUsd, int calls) throws SQLException {
        ensureRow(c, b, periodStart);
        try (PreparedStatement ps = c.prepareStatement("UPDATE budget_usage SET "
                + "reserved_tokens = CASE WHEN reserved_tokens > ? THEN reserved_tokens - ? ELSE 0 END, "
                + "reserved_nusd = CASE WHEN reserved_nusd > ? THEN reserved_nusd - ? ELSE 0 END, "
                + "spent_tokens = spent_tokens + ?, spent_nusd = spent_nusd + ?, calls = calls + ?" + KEY)) {
            ps.setLong(1, reservedTokens);
            ps.setLong(2, reservedTokens);
            ps.setLong(3, reservedNanoUsd);
            ps.setLong(4, reservedNanoUsd);
            ps.setLong(5, tokens);
            ps.setLong(6, nanoUsd);
            ps.setLong(7, Math.max(0, calls));
            key(ps, b.experimentId(), b.name(), periodStart, 8);
            ps.executeUpdate();
        }
    }

    /** @throws InvalidInputException for a negative amount */
    static void checkAmounts(long tokens, long nanoUsd) {
        if (tokens < 0 || nanoUsd < 0) {
            throw new InvalidInputException("budget amounts must be 0 or more, got " + tokens + " tokens and "
                    + nanoUsd + " nano-USD");
        }
    }
}
