package dev.vigil.storage.jdbc;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.ExperimentStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Experiments in the {@code experiments} table; ids are decimal numbers, as in MLflow. */
final class JdbcExperimentStore implements ExperimentStore {

    private static final String COLUMNS = "experiment_id, name, created_ns";

    private final Database db;

    JdbcExperimentStore(Database db) {
        this.db = db;
    }

    @Override
    public Experiment getOrCreate(String name) {
        Experiment.validateName(name);
        // a racing creator makes our insert fail on the unique name; the transaction is then run again and finds it
        return db.inTransaction("create experiment '" + name + "'", c -> {
            Optional<Experiment> found = byName(c, name);
            if (found.isPresent()) {
                return found.get();
            }
            long id = Counters.next(c, "experiment_id", 1);
            long now = EpochNanos.of(db.clock().instant());
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO experiments (experiment_id, name, ord, created_ns) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, Long.toString(id));
                ps.setString(2, name);
                ps.setLong(3, id);
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            return new Experiment(Long.toString(id), name, EpochNanos.toInstant(now));
        });
    }

    @Override
    public Optional<Experiment> get(String experimentId) {
        if (experimentId == null) {
            return Optional.empty();
        }
        return db.autoCommit("read experiment " + experimentId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM experiments WHERE experiment_id = ?")) {
                ps.setString(1, experimentId);
                return one(ps);
            }
        });
    }

    @Override
    public Optional<Experiment> findByName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return db.autoCommit("find experiment '" + name + "'", c -> byName(c, name));
    }

    @Override
    public List<Experiment> list() {
        return db.autoCommit("list experiments", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM experiments ORDER BY ord");
                    ResultSet rs = ps.executeQuery()) {
                List<Experiment> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        });
    }

    private static Optional<Experiment> byName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM experiments WHERE name = ?")) {
            ps.setString(1, name);
            return one(ps);
        }
    }

    private static Optional<Experiment> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static Experiment read(ResultSet rs) throws SQLException {
        return new Experiment(rs.getString(1), rs.getString(2), EpochNanos.toInstant(rs.getLong(3)));
    }
}
