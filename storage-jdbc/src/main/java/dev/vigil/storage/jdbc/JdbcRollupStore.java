package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.RollupStore;
import dev.vigil.spi.store.support.RollupRules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rollups in the {@code rollups} and {@code rollup_categories} tables (Flyway V7). The assessment and trace stores
 * call {@link #apply} inside the transaction that writes the feedback, so the rows change with it or not at all.
 * An increment is an {@code UPDATE ... SET x = x + ?}, and an {@code INSERT} when the row is missing; two
 * transactions racing to insert the same row make one fail on the key and be run again by
 * {@link Database#inTransaction}.
 */
final class JdbcRollupStore implements RollupStore {

    private static final String KEY = " WHERE experiment_id = ? AND scorer_name = ? AND hour_ms = ? "
            + "AND feedback_name = ? AND scorer_version = ? AND sample_rate = ?";
    private static final String KEY_COLUMNS = "experiment_id, scorer_name, hour_ms, feedback_name, scorer_version, "
            + "sample_rate";
    static final String READY = "rollups_ready";

    private final Database db;

    JdbcRollupStore(Database db) {
        this.db = db;
    }

    @Override
    public List<Rollup> hourly(String experimentId, String scorerName, Instant from, Instant to) {
        RollupRules.checkQuery(experimentId, scorerName, from, to);
        return db.autoCommit("read rollups of scorer '" + scorerName + "'", c -> {
            Map<Rollup.Key, Map<String, Long>> cats = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + KEY_COLUMNS + ", category, value_count "
                    + "FROM rollup_categories WHERE experiment_id = ? AND scorer_name = ? AND hour_ms >= ? "
                    + "AND hour_ms < ?")) {
                bindRange(ps, experimentId, scorerName, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        cats.computeIfAbsent(key(rs), k -> new TreeMap<>()).put(rs.getString(7), rs.getLong(8));
                    }
                }
            }
            List<Rollup> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + KEY_COLUMNS + ", value_count, error_count, "
                    + "numeric_count, value_sum, value_sum_sq, judged_count, passed_count FROM rollups "
                    + "WHERE experiment_id = ? AND scorer_name = ? AND hour_ms >= ? AND hour_ms < ?")) {
                bindRange(ps, experimentId, scorerName, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Rollup.Key k = key(rs);
                        out.add(new Rollup(k, rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getDouble(10),
                                rs.getDouble(11), rs.getLong(12), rs.getLong(13), cats.getOrDefault(k, Map.of())));
                    }
                }
            }
            out.sort((a, b) -> a.key().compareTo(b.key())); // Java's order, whatever the database's collation
            return List.copyOf(out);
        });
    }

    private static void bindRange(PreparedStatement ps, String experimentId, String scorer, Instant from, Instant to)
            throws SQLException {
        ps.setString(1, experimentId);
        ps.setString(2, scorer);
        ps.setLong(3, from.toEpochMilli());
        ps.setLong(4, to.toEpochMilli());
    }

    private static Rollup.Key key(ResultSet rs) throws SQLException {
        return new Rollup.Key(rs.getString(1), rs.getString(2), rs.getInt(5), Instant.ofEpochMilli(rs.getLong(3)),
                rs.getString(4), rs.getDouble(6));
    }

    @Override
    public boolean ready() {
        return db.autoCommit("read whether rollups are ready", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT counter_value FROM vigil_counters WHERE name = ?")) {
                ps.setString(1, READY);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getLong(1) == 1;
                }
            }
        });
    }

    @Override
    public long rebuild(String experimentId) {
        return db.inTransaction("rebuild rollups" + (experimentId == null ? "" : " of experiment " + experimentId),
                c -> {
                    if (experimentId != null && Sql.existing(c, "experiments", "experiment_id",
                            List.of(experimentId)).isEmpty()) {
                        throw new InvalidInputException("experiment " + experimentId + " does not exist; "
                                + "nothing was rebuilt");
                    }
                    String where = experimentId == null ? "" : " WHERE experiment_id = ?";
                    for (String table : List.of("rollups", "rollup_categories")) {
                        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + where)) {
                            if (experimentId != null) {
                                ps.setString(1, experimentId);
                            }
                            ps.executeUpdate();
                        }
                    }
                    RollupRules.Accumulator acc = new RollupRules.Accumulator();
                    try (PreparedStatement ps = c.prepareStatement("SELECT t.experiment_id, t.request_ms, "
                            + "t.request_sub_ns, a.body FROM assessments a JOIN traces t ON t.trace_id = a.trace_id "
                            + "WHERE a.scorer_name IS NOT NULL"
                            + (experimentId == null ? "" : " AND t.experiment_id = ?"))) {
                        if (experimentId != null) {
                            ps.setString(1, experimentId);
                        }
                        ps.setFetchSize(1000);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                Assessment a;
                                try {
                                    a = MlflowJson.readAssessment(rs.getString(4));
                                } catch (RuntimeException e) {
                                    continue; // an unreadable row is not a value valuesByScorer returns either
                                }
                                acc.add(RollupRules.contribution(rs.getString(1),
                                        JdbcAssessmentStore.time(rs.getLong(2), rs.getInt(3)), a));
                            }
                        }
                    }
                    List<Rollup> rows = acc.rows();
                    insert(c, rows);
                    if (experimentId == null) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "UPDATE vigil_counters SET counter_value = 1 WHERE name = ?")) {
                            ps.setString(1, READY);
                            ps.executeUpdate();
                        }
                    }
                    return (long) rows.size();
                });
    }

    private static void insert(Connection c, List<Rollup> rows) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement(INSERT_ROW);
                PreparedStatement cat = c.prepareStatement(INSERT_CATEGORY)) {
            int n = 0;
            for (Rollup r : rows) {
                bindRow(ins, r);
                ins.addBatch();
                for (Map.Entry<String, Long> e : r.categories().entrySet()) {
                    bindCategory(cat, r.key(), e.getKey(), e.getValue());
                    cat.addBatch();
                }
                if (++n % Sql.CHUNK == 0) {
                    ins.executeBatch();
                    cat.executeBatch();
                }
            }
            ins.executeBatch();
            cat.executeBatch();
        }
    }

    private static final String INSERT_ROW = "INSERT INTO rollups (" + KEY_COLUMNS + ", value_count, error_count, "
            + "numeric_count, value_sum, value_sum_sq, judged_count, passed_count) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_CATEGORY = "INSERT INTO rollup_categories (" + KEY_COLUMNS
            + ", category_key, category, value_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** @return the key of a category: the hex SHA-256 of its text (a value may be longer than an index entry) */
    static String categoryKey(String category) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(category.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void bindCategory(PreparedStatement ps, Rollup.Key k, String category, long count)
            throws SQLException {
        bindKey(ps, k, 1);
        ps.setString(7, categoryKey(category));
        ps.setString(8, category);
        ps.setLong(9, count);
    }

    private static void bindRow(PreparedStatement ps, Rollup r) throws SQLException {
        bindKey(ps, r.key(), 1);
        ps.setLong(7, r.count());
        ps.setLong(8, r.errors());
        ps.setLong(9, r.numericCount());
        ps.setDouble(10, r.sum());
        ps.setDouble(11, r.sumOfSquares());
        ps.setLong(12, r.judged());
        ps.setLong(13, r.passed());
    }

    private static void bindKey(PreparedStatement ps, Rollup.Key k, int first) throws SQLException {
        ps.setString(first, k.experimentId());
        ps.setString(first + 1, k.scorerName());
        ps.setLong(first + 2, k.hour().toEpochMilli());
        ps.setString(first + 3, k.feedbackName());
        ps.setInt(first + 4, k.scorerVersion());
        ps.setDouble(first + 5, k.sampleRate());
    }

    /**
     * Adds deltas to the rows, inside the caller's transaction; a row left with no feedback is deleted.
     *
     * @param c the connection of the writing transaction
     * @param deltas the changes (counts may be negative), from a {@link RollupRules.Accumulator}
     */
    static void apply(Connection c, List<Rollup> deltas) throws SQLException {
        if (deltas.isEmpty()) {
            return;
        }
        List<Rollup> missing = new ArrayList<>();
        try (PreparedStatement upd = c.prepareStatement("UPDATE rollups SET value_count = value_count + ?, "
                + "error_count = error_count + ?, numeric_count = numeric_count + ?, value_sum = value_sum + ?, "
                + "value_sum_sq = value_sum_sq + ?, judged_count = judged_count + ?, passed_count = passed_count + ?"
                + KEY)) {
            for (Rollup d : deltas) {
                upd.setLong(1, d.count());
                upd.setLong(2, d.errors());
                upd.setLong(3, d.numericCount());
                upd.setDouble(4, d.sum());
                upd.setDouble(5, d.sumOfSquares());
                upd.setLong(6, d.judged());
                upd.setLong(7, d.passed());
                bindKey(upd, d.key(), 8);
                if (upd.executeUpdate() == 0) {
                    missing.add(d);
                }
            }
        }
        try (PreparedStatement ins = c.prepareStatement(INSERT_ROW)) {
            for (Rollup d : missing) {
                if (d.count() <= 0) {
                    continue; // rows not built yet (rollups not ready): the rebuild recomputes them
                }
                bindRow(ins, d);
                ins.addBatch();
            }
            if (!missing.isEmpty()) {
                ins.executeBatch();
            }
        }
        applyCategories(c, deltas);
        boolean shrinks = deltas.stream().anyMatch(d -> d.count() < 0);
        if (shrinks) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM rollups" + KEY + " AND value_count <= 0");
                    PreparedStatement delCats = c.prepareStatement("DELETE FROM rollup_categories" + KEY
                            + " AND NOT EXISTS (SELECT 1 FROM rollups r WHERE r.experiment_id = "
                            + "rollup_categories.experiment_id AND r.scorer_name = rollup_categories.scorer_name "
                            + "AND r.hour_ms = rollup_categories.hour_ms AND r.feedback_name = "
                            + "rollup_categories.feedback_name AND r.scorer_version = rollup_categories.scorer_version "
                            + "AND r.sample_rate = rollup_categories.sample_rate)")) {
                for (Rollup d : deltas) {
                    if (d.count() < 0) {
                        bindKey(del, d.key(), 1);
                        del.executeUpdate();
                        bindKey(delCats, d.key(), 1);
                        delCats.executeUpdate();
                    }
                }
            }
        }
    }

    /**
     * Before traces are re-stored: the feedback of those that move to another hour or experiment is taken out of
     * its old rows and added to its new ones.
     *
     * @param c the connection of the writing transaction
     * @param incoming the traces about to be written, by id
     * @param stored the ids among them that are stored now
     */
    static void moveTraces(Connection c, Map<String, dev.vigil.spi.model.Trace> incoming,
            java.util.Set<String> stored) throws SQLException {
        Map<String, JdbcAssessmentStore.TracePlace> old = JdbcAssessmentStore.places(c, stored);
        RollupRules.Accumulator deltas = new RollupRules.Accumulator();
        for (Map.Entry<String, JdbcAssessmentStore.TracePlace> e : old.entrySet()) {
            dev.vigil.spi.model.Trace t = incoming.get(e.getKey());
            JdbcAssessmentStore.TracePlace was = e.getValue();
            Instant now = t.info().requestTime();
            if (was.experimentId().equals(t.experimentId()) && was.time().truncatedTo(
                    java.time.temporal.ChronoUnit.HOURS).equals(now.truncatedTo(java.time.temporal.ChronoUnit.HOURS))) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT body FROM assessments WHERE trace_id = ? AND scorer_name IS NOT NULL")) {
                ps.setString(1, e.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Assessment a;
                        try {
                            a = MlflowJson.readAssessment(rs.getString(1));
                        } catch (RuntimeException unreadable) {
                            continue;
                        }
                        deltas.subtract(RollupRules.contribution(was.experimentId(), was.time(), a));
                        deltas.add(RollupRules.contribution(t.experimentId(), now, a));
                    }
                }
            }
        }
        apply(c, deltas.rows());
    }

    private static void applyCategories(Connection c, List<Rollup> deltas) throws SQLException {
        try (PreparedStatement upd = c.prepareStatement("UPDATE rollup_categories SET value_count = value_count + ?"
                + KEY + " AND category_key = ?");
                PreparedStatement ins = c.prepareStatement(INSERT_CATEGORY);
                PreparedStatement del = c.prepareStatement("DELETE FROM rollup_categories" + KEY
                        + " AND category_key = ? AND value_count <= 0")) {
            for (Rollup d : deltas) {
                for (Map.Entry<String, Long> e : d.categories().entrySet()) {
                    upd.setLong(1, e.getValue());
                    bindKey(upd, d.key(), 2);
                    upd.setString(8, categoryKey(e.getKey()));
                    if (upd.executeUpdate() == 0) {
                        if (e.getValue() <= 0) {
                            continue; // rows not built yet (rollups not ready): the rebuild recomputes them
                        }
                        bindCategory(ins, d.key(), e.getKey(), e.getValue());
                        ins.executeUpdate();
                    } else if (e.getValue() < 0) {
                        bindKey(del, d.key(), 1);
                        del.setString(7, categoryKey(e.getKey()));
                        del.executeUpdate();
                    }
                }
            }
        }
    }
}
