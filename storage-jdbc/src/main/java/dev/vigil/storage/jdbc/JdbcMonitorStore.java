package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.store.MonitorStore;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.StoredMonitor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Monitors in {@code monitor_versions} and their history in {@code monitor_transitions} (migration V4). */
final class JdbcMonitorStore implements MonitorStore {

    private static final String TCOLS = "id, experiment_id, monitor_name, monitor_version, at_ns, from_state, "
            + "to_state, value_estimate, ci_low, ci_high, sample_size, window_start_ns, window_end_ns, trace_ids";

    private final Database db;

    JdbcMonitorStore(Database db) {
        this.db = db;
    }

    @Override
    public StoredMonitor create(StoredMonitor m) {
        Objects.requireNonNull(m, "monitor");
        return db.inTransaction("store monitor '" + m.name() + "' v" + m.version(), c -> {
            if (Sql.existing(c, "experiments", "experiment_id", List.of(m.experimentId())).isEmpty()) {
                throw new InvalidInputException("experiment " + m.experimentId() + " does not exist; cannot store "
                        + "monitor '" + m.name() + "' in it");
            }
            int latest;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT MAX(version) FROM monitor_versions WHERE experiment_id = ? AND name = ?")) {
                ps.setString(1, m.experimentId());
                ps.setString(2, m.name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    latest = rs.getInt(1);
                }
            }
            if (m.version() <= latest) {
                throw new StaleWriteException("monitor '" + m.name() + "' already has version " + latest
                        + "; cannot create version " + m.version() + "; the next version is " + (latest + 1));
            }
            if (m.version() != latest + 1) {
                throw new InvalidInputException("monitor '" + m.name() + "' is at version " + latest
                        + "; the next version is " + (latest + 1) + ", not " + m.version());
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_versions (experiment_id, name, "
                    + "version, definition, created_ns) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, m.experimentId());
                ps.setString(2, m.name());
                ps.setInt(3, m.version());
                ps.setString(4, m.definitionJson());
                ps.setLong(5, EpochNanos.of(m.createdAt()));
                ps.executeUpdate();
            } catch (SQLException e) {
                if (db.dialect().isUniqueViolation(e)) {
                    throw new StaleWriteException("monitor '" + m.name() + "' v" + m.version()
                            + " was stored by another writer at the same time");
                }
                throw e;
            }
            return m;
        });
    }

    @Override
    public Optional<StoredMonitor> latest(String experimentId, String name) {
        return db.autoCommit("read monitor '" + name + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT experiment_id, name, version, definition, "
                    + "created_ns FROM monitor_versions WHERE experiment_id = ? AND name = ? "
                    + "ORDER BY version DESC LIMIT 1")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                List<StoredMonitor> out = readMonitors(ps);
                return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
            }
        });
    }

    @Override
    public List<StoredMonitor> list(String experimentId) {
        return db.autoCommit("list monitors of experiment " + experimentId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT v.experiment_id, v.name, v.version, "
                    + "v.definition, v.created_ns FROM monitor_versions v WHERE v.experiment_id = ? AND v.version = "
                    + "(SELECT MAX(w.version) FROM monitor_versions w WHERE w.experiment_id = v.experiment_id "
                    + "AND w.name = v.name)")) {
                ps.setString(1, experimentId);
                List<StoredMonitor> out = readMonitors(ps);
                out.sort(Comparator.comparing(StoredMonitor::name)); // Java's string order on every dialect
                return out;
            }
        });
    }

    private static List<StoredMonitor> readMonitors(PreparedStatement ps) throws SQLException {
        List<StoredMonitor> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredMonitor(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        EpochNanos.toInstant(rs.getLong(5))));
            }
        }
        return out;
    }

    @Override
    public int delete(String experimentId, String name) {
        return db.inTransaction("delete monitor '" + name + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM monitor_transitions WHERE experiment_id = ? AND monitor_name = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM monitor_versions WHERE experiment_id = ? AND name = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public boolean appendTransition(MonitorTransition t) {
        Objects.requireNonNull(t, "transition");
        return db.inTransaction("record transition of monitor '" + t.monitorName() + "'", c -> {
            if (Sql.existing(c, "experiments", "experiment_id", List.of(t.experimentId())).isEmpty()) {
                throw new InvalidInputException("experiment " + t.experimentId() + " does not exist");
            }
            if (!Sql.existing(c, "monitor_transitions", "id", List.of(t.id())).isEmpty()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_transitions (" + TCOLS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, t.id());
                ps.setString(2, t.experimentId());
                ps.setString(3, t.monitorName());
                ps.setInt(4, t.monitorVersion());
                ps.setLong(5, EpochNanos.of(t.at()));
                ps.setString(6, t.from());
                ps.setString(7, t.to());
                setDouble(ps, 8, t.value());
                setDouble(ps, 9, t.low());
                setDouble(ps, 10, t.high());
                ps.setLong(11, t.sampleSize());
                ps.setLong(12, EpochNanos.of(t.windowStart()));
                ps.setLong(13, EpochNanos.of(t.windowEnd()));
                ps.setString(14, Json.write(t.traceIds()));
                ps.executeUpdate();
            } catch (SQLException e) {
                if (db.dialect().isUniqueViolation(e)) {
                    return false; // another engine recorded the same transition at the same time
                }
                throw e;
            }
            return true;
        });
    }

    private static void setDouble(PreparedStatement ps, int i, double v) throws SQLException {
        if (Double.isFinite(v)) {
            ps.setDouble(i, v);
        } else {
            ps.setNull(i, Types.DOUBLE);
        }
    }

    private static double getDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? Double.NaN : v;
    }

    @Override
    public List<MonitorTransition> history(String experimentId, String name, int limit) {
        if (limit < 1) {
            throw new InvalidInputException("history limit must be 1 or more, got " + limit);
        }
        return db.autoCommit("read history of monitor '" + name + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TCOLS + " FROM monitor_transitions "
                    + "WHERE experiment_id = ? AND monitor_name = ? ORDER BY at_ns DESC, id DESC LIMIT ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                ps.setInt(3, limit);
                List<MonitorTransition> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<String> ids = new ArrayList<>();
                        if (Json.parse(rs.getString(14)) instanceof List<?> l) {
                            l.forEach(o -> ids.add(String.valueOf(o)));
                        }
                        out.add(new MonitorTransition(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getInt(4), EpochNanos.toInstant(rs.getLong(5)), rs.getString(6),
                                rs.getString(7), getDouble(rs, 8), getDouble(rs, 9), getDouble(rs, 10),
                                rs.getLong(11), EpochNanos.toInstant(rs.getLong(12)),
                                EpochNanos.toInstant(rs.getLong(13)), ids));
                    }
                }
                return out;
            }
        });
    }
}
