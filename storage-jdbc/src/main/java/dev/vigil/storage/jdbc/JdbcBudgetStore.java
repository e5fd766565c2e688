package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.BudgetStore;
import dev.vigil.spi.store.BudgetUsage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Budgets in {@code budgets} and their counters in {@code budget_usage} (migration V6), the reservations of calls in
 * flight in {@code budget_reservations} and alert destinations in {@code budgets.notify_json} (V8). A reservation is one
 * conditional {@code UPDATE} whose {@code WHERE} holds the limits, so concurrent engines on one database never
 * reserve past a limit (PostgreSQL re-checks the condition on the newest row version after taking its lock). The
 * counters' and reservations' SQL is {@link BudgetUsageSql}; this class holds the budgets and the transactions.
 */
final class JdbcBudgetStore implements BudgetStore {

    private static final String BCOLS = "experiment_id, name, scorer_name, period, max_tokens, max_usd, action, "
            + "updated_ns, notify_json";

    private final Database db;

    JdbcBudgetStore(Database db) {
        this.db = db;
    }

    @Override
    public Budget put(Budget b) {
        if (b == null) {
            throw new InvalidInputException("put needs a budget, got null");
        }
        return db.inTransaction("set budget '" + b.name() + "'", c -> {
            if (Sql.existing(c, "experiments", "experiment_id", List.of(b.experimentId())).isEmpty()) {
                throw new InvalidInputException("experiment " + b.experimentId() + " does not exist; cannot set "
                        + "budget '" + b.name() + "' in it");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM budgets WHERE experiment_id = ? AND name = ?")) {
                ps.setString(1, b.experimentId());
                ps.setString(2, b.name());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO budgets (" + BCOLS
                    + ", max_nusd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, b.experimentId());
                ps.setString(2, b.name());
                ps.setString(3, b.scorerName());
                ps.setString(4, b.period().name());
                ps.setLong(5, b.maxTokens());
                ps.setDouble(6, b.maxUsd());
                ps.setString(7, b.action().name());
                ps.setLong(8, EpochNanos.of(b.updatedAt()));
                ps.setString(9, b.destinations().isEmpty() ? null : NotifierConfig.writeAll(b.destinations()));
                ps.setLong(10, b.maxNanoUsd());
                ps.executeUpdate();
            }
            return b;
        });
    }

    @Override
    public Optional<Budget> get(String experimentId, String name) {
        return db.autoCommit("read budget '" + name + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + BCOLS
                    + " FROM budgets WHERE experiment_id = ? AND name = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                List<Budget> out = readBudgets(ps);
                return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
            }
        });
    }

    @Override
    public List<Budget> list(String experimentId) {
        return db.autoCommit("list budgets of experiment " + experimentId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + BCOLS
                    + " FROM budgets WHERE experiment_id = ?")) {
                ps.setString(1, experimentId);
                List<Budget> out = readBudgets(ps);
                out.sort(Comparator.comparing(Budget::name));
                return List.copyOf(out);
            }
        });
    }

    private static List<Budget> readBudgets(PreparedStatement ps) throws SQLException {
        List<Budget> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Budget(rs.getString(1), rs.getString(2), rs.getString(3),
                        BudgetPeriod.valueOf(rs.getString(4)), rs.getLong(5), rs.getDouble(6),
                        BudgetAction.valueOf(rs.getString(7)), EpochNanos.toInstant(rs.getLong(8)),
                        NotifierConfig.readAll(rs.getString(9))));
            }
        }
        return out;
    }

    @Override
    public boolean delete(String experimentId, String name) {
        return db.inTransaction("delete budget '" + name + "'", c -> {
            for (String table : List.of("budget_usage", "budget_reservations")) {
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM " + table + " WHERE experiment_id = ? AND budget_name = ?")) {
                    ps.setString(1, experimentId);
                    ps.setString(2, name);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM budgets WHERE experiment_id = ? AND name = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public BudgetUsage usage(String experimentId, String name, Instant periodStart) {
        Objects.requireNonNull(periodStart, "periodStart");
        return db.autoCommit("read usage of budget '" + name + "'", c -> {
            return BudgetUsageSql.read(c, experimentId, name, periodStart);
        });
    }

    @Override
    public boolean reserve(Budget b, Instant periodStart, long tokens, long nanoUsd) {
        BudgetUsageSql.checkAmounts(tokens, nanoUsd);
        Objects.requireNonNull(periodStart, "periodStart");
        return db.inTransaction("reserve against budget '" + b.name() + "'",
                c -> BudgetUsageSql.reserve(c, b, periodStart, tokens, nanoUsd));
    }

    @Override
    public boolean reserve(Budget b, Instant periodStart, String reservationId, long tokens, long nanoUsd,
            Instant expiresAt) {
        BudgetUsageSql.checkAmounts(tokens, nanoUsd);
        Objects.requireNonNull(periodStart, "periodStart");
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        return db.inTransaction("reserve against budget '" + b.name() + "'", c -> {
            if (!BudgetUsageSql.reserve(c, b, periodStart, tokens, nanoUsd)) {
                return false;
            }
            if (tokens > 0 || nanoUsd > 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO budget_reservations (reservation_id, "
                        + "experiment_id, budget_name, period_start_ns, tokens, nusd, expires_ns) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, reservationId);
                    BudgetUsageSql.key(ps, b.experimentId(), b.name(), periodStart, 2);
                    ps.setLong(5, tokens);
                    ps.setLong(6, nanoUsd);
                    ps.setLong(7, EpochNanos.of(expiresAt));
                    ps.executeUpdate();
                }
            }
            return true;
        });
    }

    @Override
    public void settle(Budget b, Instant periodStart, String reservationId, long tokens, long nanoUsd, int calls) {
        BudgetUsageSql.checkAmounts(tokens, nanoUsd);
        Objects.requireNonNull(reservationId, "reservationId");
        db.inTransaction("settle a call against budget '" + b.name() + "'", c -> {
            BudgetUsageSql.releaseHeld(c, reservationId);
            BudgetUsageSql.settle(c, b, periodStart, 0, 0, tokens, nanoUsd, calls);
            return null;
        });
    }

    @Override
    public int reclaimExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        List<String> expired = db.autoCommit("find expired budget reservations", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT reservation_id FROM budget_reservations WHERE expires_ns <= ?")) {
                ps.setLong(1, EpochNanos.of(now));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        int reclaimed = 0;
        for (String id : expired) {
            if (db.inTransaction("reclaim budget reservation " + id, c -> BudgetUsageSql.releaseHeld(c, id))) {
                reclaimed++;
            }
        }
        return reclaimed;
    }

    @Override
    public int heldReservations(String experimentId, String name) {
        return db.autoCommit("count reservations of budget '" + name + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM budget_reservations "
                    + "WHERE experiment_id = ? AND budget_name = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public void settle(Budget b, Instant periodStart, long reservedTokens, long reservedNanoUsd, long tokens,
            long nanoUsd, int calls) {
        BudgetUsageSql.checkAmounts(reservedTokens, reservedNanoUsd);
        BudgetUsageSql.checkAmounts(tokens, nanoUsd);
        db.inTransaction("settle a call against budget '" + b.name() + "'", c -> {
            BudgetUsageSql.settle(c, b, periodStart, reservedTokens, reservedNanoUsd, tokens, nanoUsd, calls);
            return null;
        });
    }

    @Override
    public void recordSkip(Budget b, Instant periodStart) {
        db.inTransaction("count a skip of budget '" + b.name() + "'", c -> {
            BudgetUsageSql.ensureRow(c, b, periodStart);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE budget_usage SET skipped = skipped + 1" + BudgetUsageSql.KEY)) {
                BudgetUsageSql.key(ps, b.experimentId(), b.name(), periodStart, 1);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean markAlerted(Budget b, Instant periodStart, int percent) {
        return db.inTransaction("mark an alert of budget '" + b.name() + "'", c -> {
            BudgetUsageSql.ensureRow(c, b, periodStart);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE budget_usage SET alerted_percent = ?" + BudgetUsageSql.KEY
                            + " AND alerted_percent < ?")) {
                ps.setInt(1, percent);
                BudgetUsageSql.key(ps, b.experimentId(), b.name(), periodStart, 2);
                ps.setInt(5, percent);
                return ps.executeUpdate() == 1;
            }
        });
    }
}
