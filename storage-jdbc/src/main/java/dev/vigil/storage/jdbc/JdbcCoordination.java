package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Coordination;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.support.PartitionCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Fenced cursor and checkpoint writes, and stream settings ({@code stream_settings}, migration V5). A fenced write
 * reads the lease row in its own transaction (locked with {@code FOR UPDATE} on H2 and PostgreSQL, so a takeover
 * waits for it; SQLite runs one writer at a time) and writes only if that lease is still the writer's and not
 * expired by the store's clock.
 */
final class JdbcCoordination implements Coordination {

    private final Database db;

    JdbcCoordination(Database db) {
        this.db = db;
    }

    @Override
    public void saveCursor(String name, long position, Lease fence) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("a cursor needs a non-empty name");
        }
        if (position < 0) {
            throw new InvalidInputException("cursor '" + name + "' position must be 0 or more, got " + position);
        }
        requireFence(fence);
        db.inTransaction("save cursor " + name + " fenced by " + fence.resource(), c -> {
            checkFence(c, fence, "saving cursor '" + name + "'");
            writeCursor(c, name, position, false);
            return null;
        });
    }

    @Override
    public Job updateJob(Job updated, Lease fence) {
        Objects.requireNonNull(updated, "updated");
        requireFence(fence);
        return db.inTransaction("update job " + updated.jobId() + " fenced by " + fence.resource(), c -> {
            checkFence(c, fence, "updating job " + updated.jobId());
            return JdbcJobStore.update(c, updated, db.skipped());
        });
    }

    @Override
    public OptionalInt partitionCount(String stream) {
        return db.autoCommit("read partition count of " + stream, c -> read(c, stream));
    }

    @Override
    public int initPartitionCount(String stream, int partitions) {
        PartitionCounts.requireCount(stream, partitions);
        // a racing insert fails on the key; the transaction then runs again and reads the winner's count
        return db.inTransaction("store partition count of " + stream, c -> {
            OptionalInt stored = read(c, stream);
            if (stored.isPresent()) {
                return stored.getAsInt();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO stream_settings (stream, partitions) VALUES (?, ?)")) {
                ps.setString(1, stream);
                ps.setInt(2, partitions);
                ps.executeUpdate();
            }
            return partitions;
        });
    }

    @Override
    public void changePartitionCount(String stream, String cursorPrefix, int expected, int partitions) {
        PartitionCounts.requireCount(stream, partitions);
        Objects.requireNonNull(cursorPrefix, "cursorPrefix");
        db.inTransaction("change partition count of " + stream, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE stream_settings SET partitions = ? WHERE stream = ? AND partitions = ?")) {
                ps.setInt(1, partitions);
                ps.setString(2, stream);
                ps.setInt(3, expected);
                if (ps.executeUpdate() != 1) {
                    OptionalInt stored = read(c, stream);
                    throw new StaleWriteException("stream '" + stream + "' has " + (stored.isEmpty() ? "no stored"
                            : String.valueOf(stored.getAsInt())) + " partition count, not " + expected
                            + "; read it again");
                }
            }
            long start = Long.MAX_VALUE;
            try (PreparedStatement ps = c.prepareStatement("SELECT position FROM cursors WHERE name = ?")) {
                for (int i = 0; i < expected; i++) {
                    ps.setString(1, cursorPrefix + expected + "." + i);
                    try (ResultSet rs = ps.executeQuery()) {
                        start = Math.min(start, rs.next() ? rs.getLong(1) : 0L);
                    }
                }
            }
            for (int i = 0; i < partitions; i++) {
                writeCursor(c, cursorPrefix + partitions + "." + i, start, true);
            }
            return null;
        });
    }

    private void checkFence(Connection c, Lease fence, String what) throws SQLException {
        String sql = "SELECT owner, token, expires_ns FROM leases WHERE resource = ?";
        if (db.dialect() != Dialect.SQLITE) {
            sql += " FOR UPDATE";
        }
        Lease current = null;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, fence.resource());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !rs.getString(1).isEmpty()) {
                    current = new Lease(fence.resource(), rs.getString(1), rs.getLong(2),
                            EpochNanos.toInstant(rs.getLong(3)));
                }
            }
        }
        Instant now = db.clock().instant();
        Coordination.requireCurrent(current, fence, now, what);
    }

    /** Forward only unless {@code overwrite}; inserts a missing cursor. */
    private static void writeCursor(Connection c, String name, long position, boolean overwrite)
            throws SQLException {
        try (PreparedStatement up = c.prepareStatement("UPDATE cursors SET position = ? WHERE name = ?"
                + (overwrite ? "" : " AND position < ?"))) {
            up.setLong(1, position);
            up.setString(2, name);
            if (!overwrite) {
                up.setLong(3, position);
            }
            if (up.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM cursors WHERE name = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO cursors (name, position) VALUES (?, ?)")) {
            ins.setString(1, name);
            ins.setLong(2, position);
            ins.executeUpdate();
        }
    }

    private static OptionalInt read(Connection c, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT partitions FROM stream_settings WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
            }
        }
    }

    private static void requireFence(Lease fence) {
        if (fence == null) {
            throw new InvalidInputException("a fenced write needs the writer's lease, got null");
        }
    }
}
