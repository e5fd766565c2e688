package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.support.Revisions;
import dev.vigil.spi.store.support.StoreArguments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** Jobs (optimistic by revision), forward-only cursors, and leases. */
final class JdbcJobStore implements JobStore {

    private static final String COLUMNS = "job_id, experiment_id, job_type, spec, status, progress, checkpoint, "
            + "message, revision, created_ns, updated_ns";

    private final Database db;
    private final JdbcLeases leases;

    JdbcJobStore(Database db) {
        this.db = db;
        this.leases = new JdbcLeases(db);
    }

    JdbcLeases leases() {
        return leases;
    }

    @Override
    public Job create(Job job) {
        StoreArguments.present(job, "create needs a job");
        Revisions.requireNew(job.revision(), "job " + job.jobId());
        return db.inTransaction("create job " + job.jobId(), c -> {
            if (Sql.existing(c, "experiments", "experiment_id", List.of(job.experimentId())).isEmpty()) {
                throw new InvalidInputException("experiment " + job.experimentId() + " does not exist; cannot create "
                        + "job " + job.jobId() + " in it");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, job.jobId());
                ps.setString(2, job.experimentId());
                ps.setString(3, job.type());
                ps.setString(4, Json.write(job.spec()));
                ps.setString(5, job.status().name());
                ps.setString(6, Json.write(job.progress()));
                ps.setString(7, job.checkpoint());
                ps.setString(8, job.message());
                ps.setLong(9, job.revision());
                ps.setLong(10, EpochNanos.of(job.createdAt()));
                ps.setLong(11, EpochNanos.of(job.updatedAt()));
                ps.executeUpdate();
            } catch (SQLException e) {
                if (db.dialect().isUniqueViolation(e)) {
                    throw new StaleWriteException("job " + job.jobId() + " already exists");
                }
                throw e;
            }
            return job;
        });
    }

    @Override
    public Job update(Job u) {
        StoreArguments.present(u, "update needs a job");
        return db.inTransaction("update job " + u.jobId(), c -> update(c, u, db.skipped()));
    }

    /** The revision-checked update, inside the caller's transaction (the fenced update runs it after its check). */
    static Job update(Connection c, Job u, dev.vigil.spi.store.SkippedRows skipped) throws SQLException {
        {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = ?, progress = ?, checkpoint = ?, "
                    + "message = ?, revision = ?, updated_ns = ?, spec = ?, job_type = ?, experiment_id = ? "
                    + "WHERE job_id = ? AND revision = ?")) {
                ps.setString(1, u.status().name());
                ps.setString(2, Json.write(u.progress()));
                ps.setString(3, u.checkpoint());
                ps.setString(4, u.message());
                ps.setLong(5, u.revision());
                ps.setLong(6, EpochNanos.of(u.updatedAt()));
                ps.setString(7, Json.write(u.spec()));
                ps.setString(8, u.type());
                ps.setString(9, u.experimentId());
                ps.setString(10, u.jobId());
                ps.setLong(11, u.revision() - 1);
                if (ps.executeUpdate() == 1) {
                    return u;
                }
            }
            // the compare-and-set missed: say why, by the same rule as every store
            Optional<Job> current = get(c, u.jobId(), skipped);
            Revisions.checkUpdate("job " + u.jobId(), current.map(Job::revision).orElse(null), u.revision());
            throw Revisions.stale("job " + u.jobId(), current.get().revision(), u.revision());
        }
    }

    @Override
    public Optional<Job> get(String jobId) {
        return db.autoCommit("read job " + jobId, c -> get(c, jobId, db.skipped()));
    }

    private static Optional<Job> get(Connection c, String jobId, dev.vigil.spi.store.SkippedRows skipped)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE job_id = ?")) {
            ps.setString(1, jobId);
            List<Job> out = read(ps, skipped);
            return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
        }
    }

    @Override
    public List<Job> list(String experimentId) {
        return db.autoCommit("list jobs of experiment " + experimentId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM jobs WHERE experiment_id = ? ORDER BY created_ns DESC, ord DESC")) {
                ps.setString(1, experimentId);
                return read(ps, db.skipped());
            }
        });
    }

    /**
     * Reads job rows leniently: a row this version cannot decode (a status it does not know, as a newer version's
     * may be; a spec or progress that is not valid JSON) is logged and counted once in
     * {@link dev.vigil.spi.store.Store#skippedRows()} and skipped, so that one bad row never stops {@code jobs list},
     * a resume or the engine's watch for abandoned jobs.
     */
    private static List<Job> read(PreparedStatement ps, dev.vigil.spi.store.SkippedRows skipped) throws SQLException {
        List<Job> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                try {
                    out.add(decode(rs));
                } catch (RuntimeException e) {
                    skipped.skip("job", rs.getString(1), e.getMessage());
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Job decode(ResultSet rs) throws SQLException {
        Object spec = Json.parse(rs.getString(4));
        Object rawProgress = Json.parse(rs.getString(6));
        if (!(spec instanceof Map) || !(rawProgress instanceof Map)) {
            throw new IllegalArgumentException("its spec and progress must be JSON objects");
        }
        Map<String, Long> progress = new LinkedHashMap<>();
        ((Map<String, Object>) rawProgress).forEach((k, v) -> {
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException("its progress count '" + k + "' is not a number: " + v);
            }
            progress.put(k, n.longValue());
        });
        String status = rs.getString(5);
        JobStatus parsed;
        try {
            parsed = JobStatus.valueOf(status);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown job status '" + status + "' (this version knows "
                    + java.util.Arrays.toString(JobStatus.values()) + ")");
        }
        return new Job(rs.getString(1), rs.getString(2), rs.getString(3), (Map<String, Object>) spec, parsed,
                progress, rs.getString(7), rs.getString(8), rs.getLong(9), EpochNanos.toInstant(rs.getLong(10)),
                EpochNanos.toInstant(rs.getLong(11)));
    }

    @Override
    public OptionalLong cursor(String name) {
        Objects.requireNonNull(name, "name");
        return db.autoCommit("read cursor " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT position FROM cursors WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    @Override
    public void saveCursor(String name, long position) {
        StoreArguments.cursor(name, position);
        // update if it moves forward; else insert if absent; a racing insert makes the transaction run again
        db.inTransaction("save cursor " + name, c -> {
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE cursors SET position = ? WHERE name = ? AND position < ?")) {
                up.setLong(1, position);
                up.setString(2, name);
                up.setLong(3, position);
                if (up.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM cursors WHERE name = ?")) {
                q.setString(1, name);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return null; // stored position is at or past this one
                    }
                }
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO cursors (name, position) VALUES (?, ?)")) {
                ins.setString(1, name);
                ins.setLong(2, position);
                ins.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Lease> tryAcquire(String resource, String owner, Duration ttl) {
        return leases.tryAcquire(resource, owner, ttl);
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration ttl) {
        return leases.renew(lease, ttl);
    }

    @Override
    public void release(Lease lease) {
        leases.release(lease);
    }
}
