package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.ScorerStore;
import dev.vigil.spi.store.support.Revisions;
import dev.vigil.spi.store.support.StoreArguments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Scorer versions in the {@code scorer_versions} table, written optimistically by revision. */
final class JdbcScorerStore implements ScorerStore {

    private static final String COLUMNS = "experiment_id, name, version, kind, config, sample_rate, filter_string, "
            + "revision, created_ns, updated_ns";

    private final Database db;

    JdbcScorerStore(Database db) {
        this.db = db;
    }

    @Override
    public ScorerVersion create(ScorerVersion v) {
        StoreArguments.present(v, "create needs a scorer version");
        Revisions.requireNew(v.revision(), "scorer '" + v.name() + "' v" + v.version());
        return db.inTransaction("register scorer '" + v.name() + "' v" + v.version(), c -> {
            if (Sql.existing(c, "experiments", "experiment_id", List.of(v.experimentId())).isEmpty()) {
                throw new InvalidInputException("experiment " + v.experimentId() + " does not exist; cannot register "
                        + "scorer '" + v.name() + "' in it");
            }
            int latest = latestVersion(c, v.experimentId(), v.name());
            Revisions.checkNextVersion("scorer '" + v.name() + "' in experiment " + v.experimentId(), latest,
                    v.version());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO scorer_versions (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, v.experimentId());
                ps.setString(2, v.name());
                ps.setInt(3, v.version());
                ps.setString(4, v.definition().kind());
                ps.setString(5, Json.write(v.definition().config()));
                ps.setDouble(6, v.sampling().sampleRate());
                ps.setString(7, v.sampling().filterString());
                ps.setLong(8, v.revision());
                ps.setLong(9, EpochNanos.of(v.createdAt()));
                ps.setLong(10, EpochNanos.of(v.updatedAt()));
                ps.executeUpdate();
            } catch (SQLException e) {
                if (db.dialect().isUniqueViolation(e)) {
                    throw new StaleWriteException("scorer '" + v.name() + "' v" + v.version() + " was registered by "
                            + "another writer at the same time in experiment " + v.experimentId());
                }
                throw e;
            }
            return v;
        });
    }

    private static int latestVersion(Connection c, String experimentId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT MAX(version) FROM scorer_versions WHERE experiment_id = ? AND name = ?")) {
            ps.setString(1, experimentId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public ScorerVersion update(ScorerVersion u) {
        StoreArguments.present(u, "update needs a scorer version");
        return db.inTransaction("update scorer '" + u.name() + "' v" + u.version(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE scorer_versions SET kind = ?, config = ?, "
                    + "sample_rate = ?, filter_string = ?, revision = ?, updated_ns = ? "
                    + "WHERE experiment_id = ? AND name = ? AND version = ? AND revision = ?")) {
                ps.setString(1, u.definition().kind());
                ps.setString(2, Json.write(u.definition().config()));
                ps.setDouble(3, u.sampling().sampleRate());
                ps.setString(4, u.sampling().filterString());
                ps.setLong(5, u.revision());
                ps.setLong(6, EpochNanos.of(u.updatedAt()));
                ps.setString(7, u.experimentId());
                ps.setString(8, u.name());
                ps.setInt(9, u.version());
                ps.setLong(10, u.revision() - 1);
                if (ps.executeUpdate() == 1) {
                    return get(c, u.experimentId(), u.name(), u.version()).orElseThrow();
                }
            }
            // the compare-and-set missed: say why, by the same rule as every store
            Optional<ScorerVersion> current = get(c, u.experimentId(), u.name(), u.version());
            String what = "scorer '" + u.name() + "' version " + u.version() + " in experiment " + u.experimentId();
            Revisions.checkUpdate(what, current.map(x -> (long) x.revision()).orElse(null), u.revision());
            throw Revisions.stale(what, current.get().revision(), u.revision());
        });
    }

    @Override
    public Optional<ScorerVersion> get(String experimentId, String name, int version) {
        return db.autoCommit("read scorer '" + name + "' v" + version, c -> get(c, experimentId, name, version));
    }

    private Optional<ScorerVersion> get(Connection c, String experimentId, String name, int version)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM scorer_versions WHERE experiment_id = ? AND name = ? AND version = ?")) {
            ps.setString(1, experimentId);
            ps.setString(2, name);
            ps.setInt(3, version);
            List<ScorerVersion> out = read(ps);
            return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
        }
    }

    @Override
    public Optional<ScorerVersion> latest(String experimentId, String name) {
        return db.autoCommit("read latest scorer '" + name + "'", c -> {
            // the newest version this process can read: an unreadable newer row is skipped (logged once)
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM scorer_versions "
                    + "WHERE experiment_id = ? AND name = ? ORDER BY version DESC")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                List<ScorerVersion> out = read(ps, 1);
                return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
            }
        });
    }

    @Override
    public List<ScorerVersion> list(String experimentId) {
        return db.autoCommit("list scorers of experiment " + experimentId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM scorer_versions WHERE experiment_id = ?")) {
                ps.setString(1, experimentId);
                List<ScorerVersion> out = read(ps);
                // sorted here, not by the database, so that the order is Java's string order on every dialect
                out.sort(Comparator.comparing(ScorerVersion::name).thenComparingInt(ScorerVersion::version));
                return out;
            }
        });
    }

    @Override
    public int delete(String experimentId, String name) {
        return db.inTransaction("delete scorer '" + name + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM scorer_versions WHERE experiment_id = ? AND name = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public boolean delete(String experimentId, String name, int version) {
        return db.inTransaction("delete scorer '" + name + "' v" + version, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM scorer_versions WHERE experiment_id = ? AND name = ? AND version = ?")) {
                ps.setString(1, experimentId);
                ps.setString(2, name);
                ps.setInt(3, version);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private List<ScorerVersion> read(PreparedStatement ps) throws SQLException {
        return read(ps, Integer.MAX_VALUE);
    }

    /**
     * Reads scorer rows leniently: a row this version cannot decode (its definition is not valid JSON, or its
     * values break a rule, as a damaged row or a newer version's may) is logged and counted once in
     * {@link dev.vigil.spi.store.Store#skippedRows()} and skipped, so that one bad row never stops a listing or the
     * engine's registry.
     *
     * @param limit the most rows to return
     */
    private List<ScorerVersion> read(PreparedStatement ps, int limit) throws SQLException {
        List<ScorerVersion> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (out.size() < limit && rs.next()) {
                try {
                    out.add(decode(rs));
                } catch (RuntimeException e) {
                    db.skipped().skip("scorer", rs.getString(2) + " v" + rs.getInt(3) + " of experiment "
                            + rs.getString(1), e.getMessage());
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static ScorerVersion decode(ResultSet rs) throws SQLException {
        Object config = Json.parse(rs.getString(5));
        if (config != null && !(config instanceof Map)) {
            throw new IllegalArgumentException("its definition's config is not a JSON object");
        }
        return new ScorerVersion(rs.getString(1), rs.getString(2), rs.getInt(3),
                new ScorerDefinition(rs.getString(4), (Map<String, Object>) config),
                new SamplingConfig(rs.getDouble(6), rs.getString(7)), rs.getLong(8),
                EpochNanos.toInstant(rs.getLong(9)), EpochNanos.toInstant(rs.getLong(10)));
    }
}
