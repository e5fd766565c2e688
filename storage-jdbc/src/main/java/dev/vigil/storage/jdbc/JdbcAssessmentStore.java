package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.store.AssessmentStore;
import dev.vigil.spi.store.support.AssessmentRules;
import dev.vigil.spi.store.support.AssessmentRules.FeedbackKey;
import dev.vigil.spi.store.support.RollupRules;
import dev.vigil.spi.store.support.StoreArguments;
import dev.vigil.spi.store.ScoredValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assessments in the {@code assessments} table: the MLflow JSON plus the columns they are looked up by. Scorer
 * feedback is unique on (trace id, name, scorer name, scorer version, trace revision), which makes its upsert
 * idempotent.
 */
final class JdbcAssessmentStore implements AssessmentStore {

    private static final String COLUMNS = "a.assessment_id, a.created_ns, a.updated_ns, a.body";

    private final Database db;

    JdbcAssessmentStore(Database db) {
        this.db = db;
    }

    @Override
    public Assessment append(Assessment assessment) {
        AssessmentRules.checkAppend(assessment, db.limits());
        Assessment withId = AssessmentRules.withId(assessment);
        return db.inTransaction("append assessment '" + assessment.name() + "' to trace " + assessment.traceId(), c -> {
            Map<String, TracePlace> places = requireTraces(c, List.of(withId));
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                bindInsert(ps, withId);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (db.dialect().isUniqueViolation(e)) {
                    throw new InvalidInputException("assessment id " + withId.assessmentId()
                            + " is taken on trace " + withId.traceId() + "; leave the id null to have one assigned");
                }
                throw e;
            }
            TracePlace p = places.get(withId.traceId());
            JdbcRollupStore.apply(c, new RollupRules.Accumulator()
                    .add(RollupRules.contribution(p.experimentId(), p.time(), asRead(withId))).rows());
            return withId;
        });
    }

    private static final String INSERT = "INSERT INTO assessments (assessment_id, trace_id, name, scorer_name, "
            + "scorer_version, created_ns, updated_ns, body, trace_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static void bindInsert(PreparedStatement ps, Assessment a) throws SQLException {
        ps.setString(1, a.assessmentId());
        ps.setString(2, a.traceId());
        ps.setString(3, a.name());
        String scorer = a.scorerName();
        ps.setString(4, scorer);
        if (scorer == null) {
            ps.setNull(5, Types.INTEGER);
        } else {
            ps.setInt(5, a.scorerVersion());
        }
        ps.setLong(6, EpochNanos.of(a.createTime()));
        ps.setLong(7, EpochNanos.of(a.lastUpdateTime()));
        ps.setString(8, MlflowJson.writeAssessment(a));
        ps.setLong(9, scorer == null ? 0 : a.traceRevision());
    }

    @Override
    public List<Assessment> upsertScorerFeedback(List<Assessment> assessments) {
        AssessmentRules.checkUpsertBatch(assessments, db.limits());
        if (assessments.isEmpty()) {
            return List.of();
        }
        return db.inTransaction("write " + assessments.size() + " scorer feedback(s)", c -> {
            Map<String, TracePlace> places = requireTraces(c, assessments);
            Map<FeedbackKey, Existing> stored = existingKeys(c, assessments);
            List<Assessment> out = new ArrayList<>(assessments.size());
            RollupRules.Accumulator deltas = new RollupRules.Accumulator();
            try (PreparedStatement ins = c.prepareStatement(INSERT);
                    PreparedStatement upd = c.prepareStatement(
                            "UPDATE assessments SET updated_ns = ?, body = ? WHERE assessment_id = ?")) {
                int nIns = 0;
                int nUpd = 0;
                for (Assessment a : assessments) {
                    FeedbackKey key = FeedbackKey.of(a);
                    Existing e = stored.get(key);
                    if (e == null) {
                        Assessment withId = AssessmentRules.withId(a);
                        bindInsert(ins, withId);
                        ins.addBatch();
                        nIns++;
                        stored.put(key, new Existing(withId.assessmentId(), withId.createTime(), null, withId));
                        out.add(withId);
                        TracePlace p = places.get(a.traceId());
                        deltas.add(RollupRules.contribution(p.experimentId(), p.time(), asRead(withId)));
                    } else {
                        Assessment replaced = AssessmentRules.replacing(a, e.id(), e.created());
                        upd.setLong(1, EpochNanos.of(replaced.lastUpdateTime()));
                        upd.setString(2, MlflowJson.writeAssessment(replaced));
                        upd.setString(3, e.id());
                        upd.addBatch();
                        nUpd++;
                        out.add(replaced);
                        stored.put(key, new Existing(e.id(), e.created(), null, replaced));
                        TracePlace p = places.get(a.traceId());
                        Assessment old = e.old();
                        if (old != null) {
                            deltas.subtract(RollupRules.contribution(p.experimentId(), p.time(), asRead(old)));
                        }
                        deltas.add(RollupRules.contribution(p.experimentId(), p.time(), asRead(replaced)));
                    }
                }
                if (nIns > 0) {
                    ins.executeBatch();
                }
                if (nUpd > 0) {
                    upd.executeBatch();
                }
            }
            JdbcRollupStore.apply(c, deltas.rows());
            return out;
        });
    }

    /**
     * Stored scorer feedback of a key: its id, create time, and its value (the stored body, or the assessment
     * written earlier in the same batch).
     */
    private record Existing(String id, Instant created, String body, Assessment written) {
        /** @return the stored feedback, or null if its row cannot be read (its rollup share is then unknown) */
        Assessment old() {
            if (written != null) {
                return written;
            }
            try {
                return MlflowJson.readAssessment(body);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    /**
     * @param a an assessment about to be written
     * @return it as it will be read back: the JSON keeps a non-finite number as a string
     */
    static Assessment asRead(Assessment a) {
        if (a.value() instanceof FeedbackValue f && f.value() instanceof Number n && !Double.isFinite(n.doubleValue())) {
            return MlflowJson.readAssessment(MlflowJson.writeAssessment(a));
        }
        return a;
    }

    /** Where a trace sits: its experiment and request time. */
    record TracePlace(String experimentId, Instant time) {}

    /** @return the instant of a trace's request_ms and request_sub_ns columns */
    static Instant time(long ms, int subNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(ms, 1000), Math.floorMod(ms, 1000) * 1_000_000L + subNanos);
    }

    private static Map<FeedbackKey, Existing> existingKeys(Connection c, List<Assessment> batch) throws SQLException {
        Set<String> traceIds = new LinkedHashSet<>();
        batch.forEach(a -> traceIds.add(a.traceId()));
        Set<String> scorers = new HashSet<>();
        batch.forEach(a -> scorers.add(a.scorerName()));
        Map<FeedbackKey, Existing> out = new HashMap<>();
        List<String> ids = new ArrayList<>(traceIds);
        for (int i = 0; i < ids.size(); i += Sql.CHUNK) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + Sql.CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, name, scorer_name, scorer_version, "
                    + "assessment_id, created_ns, body, trace_revision FROM assessments "
                    + "WHERE scorer_name IS NOT NULL AND trace_id IN ("
                    + FilterSql.placeholders(chunk.size()) + ")")) {
                for (int j = 0; j < chunk.size(); j++) {
                    ps.setString(j + 1, chunk.get(j));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (scorers.contains(rs.getString(3))) {
                            out.put(new FeedbackKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                    rs.getLong(8)),
                                    new Existing(rs.getString(5), EpochNanos.toInstant(rs.getLong(6)),
                                            rs.getString(7), null));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, TracePlace> requireTraces(Connection c, List<Assessment> batch) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        batch.forEach(a -> ids.add(a.traceId()));
        Map<String, TracePlace> stored = places(c, ids);
        for (String id : ids) {
            if (!stored.containsKey(id)) {
                throw new InvalidInputException("trace " + id + " is not stored; store the trace before its "
                        + "assessments (nothing was written)");
            }
        }
        return stored;
    }

    /** @return the experiment and request time of those of the traces that are stored */
    static Map<String, TracePlace> places(Connection c, Collection<String> traceIds) throws SQLException {
        Map<String, TracePlace> out = new HashMap<>();
        List<String> list = new ArrayList<>(traceIds);
        for (int i = 0; i < list.size(); i += Sql.CHUNK) {
            List<String> chunk = list.subList(i, Math.min(list.size(), i + Sql.CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT trace_id, experiment_id, request_ms, "
                    + "request_sub_ns FROM traces WHERE trace_id IN (" + FilterSql.placeholders(chunk.size()) + ")")) {
                for (int j = 0; j < chunk.size(); j++) {
                    ps.setString(j + 1, chunk.get(j));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new TracePlace(rs.getString(2), time(rs.getLong(3), rs.getInt(4))));
                    }
                }
            }
        }
        return out;
    }

    @Override
    public List<Assessment> listByTrace(String traceId) {
        if (traceId == null) {
            return List.of();
        }
        return db.autoCommit("list assessments of trace " + traceId, c -> {
            List<Assessment> out = loadFor(c, List.of(traceId)).get(traceId);
            return out == null ? List.of() : out;
        });
    }

    /** @return the assessments of each of the traces, in creation order */
    Map<String, List<Assessment>> loadFor(Connection c, List<String> traceIds) throws SQLException {
        Map<String, List<Assessment>> out = new HashMap<>();
        for (int i = 0; i < traceIds.size(); i += Sql.CHUNK) {
            List<String> chunk = traceIds.subList(i, Math.min(traceIds.size(), i + Sql.CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT a.trace_id, " + COLUMNS + " FROM assessments a "
                    + "WHERE a.trace_id IN (" + FilterSql.placeholders(chunk.size()) + ") ORDER BY a.ord")) {
                for (int j = 0; j < chunk.size(); j++) {
                    ps.setString(j + 1, chunk.get(j));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Assessment a = read(rs, 2);
                        if (a != null) {
                            out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(a);
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * @return the assessment of the row, or null if it cannot be read (over the limits an older version did not
     *     have, or damaged): such a row is logged and counted once, and skipped
     */
    private Assessment read(ResultSet rs, int first) throws SQLException {
        String body = rs.getString(first + 3);
        Assessment a;
        try {
            if (body != null && body.length() > db.limits().maxAssessmentRowChars()) {
                throw new InvalidInputException("the row is " + body.length() + " characters, over the "
                        + db.limits().maxAssessmentRowChars() + " an assessment can take");
            }
            a = MlflowJson.readAssessment(body);
        } catch (RuntimeException e) {
            db.skipped().skip("assessment", rs.getString(first), e.getMessage());
            return null;
        }
        Instant created = EpochNanos.toInstant(rs.getLong(first + 1));
        Instant updated = EpochNanos.toInstant(rs.getLong(first + 2));
        // the JSON keeps milliseconds, as MLflow does; the columns keep the exact times
        return a.toBuilder().assessmentId(rs.getString(first)).createTime(created).lastUpdateTime(updated).build();
    }

    @Override
    public List<ScoredValue> valuesByScorer(String experimentId, String scorerName, Instant from, Instant to) {
        StoreArguments.valuesByScorer(experimentId, scorerName, from, to);
        return db.autoCommit("read values of scorer '" + scorerName + "' in experiment " + experimentId, c -> {
            long fromMs = Sql.millis(from);
            long toMs = Sql.millis(to);
            try (PreparedStatement ps = c.prepareStatement("SELECT t.request_ms, t.request_sub_ns, " + COLUMNS
                    + " FROM assessments a JOIN traces t ON t.trace_id = a.trace_id"
                    + " WHERE a.scorer_name = ? AND t.experiment_id = ?"
                    + " AND t.request_ms >= ? AND t.request_ms <= ?"
                    + " AND (t.request_ms > ? OR t.request_sub_ns >= ?) AND (t.request_ms < ? OR t.request_sub_ns < ?)"
                    + " ORDER BY t.request_ms, t.request_sub_ns, t.trace_id, a.ord")) {
                ps.setString(1, scorerName);
                ps.setString(2, experimentId);
                ps.setLong(3, fromMs);
                ps.setLong(4, toMs);
                ps.setLong(5, fromMs);
                ps.setInt(6, from.getNano() % 1_000_000);
                ps.setLong(7, toMs);
                ps.setInt(8, to.getNano() % 1_000_000);
                List<ScoredValue> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long ms = rs.getLong(1);
                        Instant time = Instant.ofEpochSecond(Math.floorDiv(ms, 1000),
                                Math.floorMod(ms, 1000) * 1_000_000L + rs.getInt(2));
                        Assessment a = read(rs, 3);
                        if (a != null && a.value() instanceof FeedbackValue && a.valid()) { // expectations and history are not
                            out.add(new ScoredValue(time, a));
                        }
                    }
                }
                return out;
            }
        });
    }

    @Override
    public Set<String> tracesScoredBy(String scorerName, int scorerVersion, Collection<String> traceIds) {
        if (traceIds == null || traceIds.isEmpty()) {
            return Set.of();
        }
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(traceIds));
        return db.autoCommit("check traces scored by '" + scorerName + "' v" + scorerVersion, c -> {
            Set<String> out = new HashSet<>();
            for (int i = 0; i < ids.size(); i += Sql.CHUNK) {
                List<String> chunk = ids.subList(i, Math.min(ids.size(), i + Sql.CHUNK));
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT trace_id FROM assessments "
                        + "WHERE scorer_name = ? AND scorer_version = ? AND trace_id IN ("
                        + FilterSql.placeholders(chunk.size()) + ")")) {
                    ps.setString(1, scorerName);
                    ps.setInt(2, scorerVersion);
                    for (int j = 0; j < chunk.size(); j++) {
                        ps.setString(j + 3, chunk.get(j));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
            return Set.copyOf(out);
        });
    }
}
