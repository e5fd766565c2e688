package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.NotificationOutbox;
import dev.vigil.spi.store.OutboxEntry;
import dev.vigil.spi.store.support.OutboxRules;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The notification outbox in {@code notification_outbox} (migration V9). Taking an entry is one conditional
 * {@code UPDATE} whose {@code WHERE} holds "pending and no live lease", so of several engines one takes it.
 */
final class JdbcOutbox implements NotificationOutbox {

    private static final String COLS = "id, experiment_id, kind, subject, body, created_ns, attempts, lease_ns, "
            + "sent_ns";
    private static final String DUE = " sent_ns IS NULL AND (lease_ns IS NULL OR lease_ns <= ?)";

    private final Database db;

    JdbcOutbox(Database db) {
        this.db = db;
    }

    @Override
    public boolean record(OutboxEntry e) {
        OutboxRules.requireNew(e);
        return db.inTransaction("record notification " + e.id(), c -> {
            if (Sql.existing(c, "experiments", "experiment_id", List.of(e.experimentId())).isEmpty()) {
                throw new InvalidInputException("experiment " + e.experimentId() + " does not exist; cannot record "
                        + "notification " + e.id());
            }
            if (!Sql.existing(c, "notification_outbox", "id", List.of(e.id())).isEmpty()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notification_outbox (" + COLS
                    + ") VALUES (?, ?, ?, ?, ?, ?, 0, NULL, NULL)")) {
                ps.setString(1, e.id());
                ps.setString(2, e.experimentId());
                ps.setString(3, e.kind());
                ps.setString(4, e.subject());
                ps.setString(5, e.body());
                ps.setLong(6, EpochNanos.of(e.createdAt()));
                ps.executeUpdate();
                return true;
            } catch (SQLException ex) {
                if (db.dialect().isUniqueViolation(ex)) {
                    return false; // another engine recorded it at the same time
                }
                throw ex;
            }
        });
    }

    @Override
    public Optional<OutboxEntry> get(String id) {
        return db.autoCommit("read notification " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLS + " FROM notification_outbox WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(entry(rs)) : Optional.<OutboxEntry>empty();
                }
            }
        });
    }

    @Override
    public List<OutboxEntry> due(Instant now, int limit) {
        OutboxRules.requireLimit(limit);
        Objects.requireNonNull(now, "now");
        return db.autoCommit("list pending notifications", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLS + " FROM notification_outbox WHERE" + DUE
                    + " ORDER BY created_ns, id LIMIT ?")) {
                ps.setLong(1, EpochNanos.of(now));
                ps.setInt(2, limit);
                List<OutboxEntry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(entry(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public boolean claim(String id, Instant now, Instant leaseUntil) {
        OutboxRules.requireLease(now, leaseUntil);
        return db.inTransaction("take notification " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE notification_outbox SET lease_ns = ?, "
                    + "attempts = attempts + 1 WHERE id = ? AND" + DUE)) {
                ps.setLong(1, EpochNanos.of(leaseUntil));
                ps.setString(2, id);
                ps.setLong(3, EpochNanos.of(now));
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean markSent(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        return db.inTransaction("mark notification " + id + " sent", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE notification_outbox SET sent_ns = ?, lease_ns = NULL "
                    + "WHERE id = ? AND sent_ns IS NULL")) {
                ps.setLong(1, EpochNanos.of(at));
                ps.setString(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static OutboxEntry entry(ResultSet rs) throws SQLException {
        long lease = rs.getLong(8);
        boolean noLease = rs.wasNull();
        long sent = rs.getLong(9);
        boolean notSent = rs.wasNull();
        return new OutboxEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                EpochNanos.toInstant(rs.getLong(6)), rs.getInt(7), noLease ? null : EpochNanos.toInstant(lease),
                notSent ? null : EpochNanos.toInstant(sent));
    }
}
