package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.support.StoreArguments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Leases on named resources (partitions of the trace stream, batches, jobs), shared by every engine instance
 * using one database: the coordination primitive that lets several engines divide the work.
 *
 * <p>A lease is one row of the {@code leases} table: owner, fencing token, expiry. Every change is one
 * conditional {@code UPDATE} (or an {@code INSERT} that loses cleanly to a racing one), so two instances never
 * both hold a resource. Expiry is read from the store's injected clock; a holder that dies stops renewing and its
 * resources are taken over once their leases lapse, with a greater token. On PostgreSQL, {@link #acquireAny}
 * picks a free resource with {@code SELECT ... FOR UPDATE SKIP LOCKED}, so that instances racing for work do not
 * queue behind each other.
 */
public final class JdbcLeases {

    private final Database db;

    JdbcLeases(Database db) {
        this.db = db;
    }

    /**
     * Takes a lease if it is free, expired, or already held by {@code owner} (then it is renewed, same token).
     *
     * @param resource the resource name
     * @param owner the caller's id
     * @param ttl how long the lease lasts without renewal, positive
     * @return the lease, or empty if another owner holds it
     */
    public Optional<Lease> tryAcquire(String resource, String owner, Duration ttl) {
        validate(resource, owner, ttl);
        return db.inTransaction("acquire lease " + resource + " for " + owner, c -> {
            Instant now = db.clock().instant();
            Instant expires = EpochNanos.plus(now, ttl);
            try (PreparedStatement renew = c.prepareStatement(
                    "UPDATE leases SET expires_ns = ? WHERE resource = ? AND owner = ?")) {
                renew.setLong(1, EpochNanos.of(expires));
                renew.setString(2, resource);
                renew.setString(3, owner);
                if (renew.executeUpdate() == 1) {
                    return Optional.of(new Lease(resource, owner, token(c, resource), expires));
                }
            }
            if (takeOver(c, resource, owner, now, expires)) {
                return Optional.of(new Lease(resource, owner, token(c, resource), expires));
            }
            if (exists(c, resource)) {
                return Optional.empty();
            }
            // a racing insert of the same resource fails on the key; the transaction then runs again and sees it
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO leases (resource, owner, token, expires_ns) VALUES (?, ?, 1, ?)")) {
                ins.setString(1, resource);
                ins.setString(2, owner);
                ins.setLong(3, EpochNanos.of(expires));
                ins.executeUpdate();
            }
            return Optional.of(new Lease(resource, owner, 1, expires));
        });
    }

    /**
     * Takes a lease on any one of the resources that is free or expired (not one the caller holds already).
     *
     * @param resources the candidates
     * @param owner the caller's id
     * @param ttl how long the lease lasts without renewal, positive
     * @return the lease taken, or empty if every resource is held
     */
    public Optional<Lease> acquireAny(List<String> resources, String owner, Duration ttl) {
        Objects.requireNonNull(resources, "resources");
        if (resources.isEmpty()) {
            return Optional.empty();
        }
        for (String r : resources) {
            validate(r, owner, ttl);
        }
        List<String> candidates = new ArrayList<>(new LinkedHashSet<>(resources));
        db.inTransaction("register " + candidates.size() + " lease resource(s)", c -> {
            List<String> missing = new ArrayList<>(candidates);
            missing.removeAll(Sql.existing(c, "leases", "resource", candidates));
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO leases (resource, owner, token, expires_ns) VALUES (?, '', 0, ?)")) {
                Sql.batch(ins, missing, (ps, r) -> {
                    ps.setString(1, r);
                    ps.setLong(2, Long.MIN_VALUE);
                });
            }
            return null;
        });
        return db.inTransaction("acquire one of " + candidates.size() + " lease(s) for " + owner, c -> {
            Instant now = db.clock().instant();
            Instant expires = EpochNanos.plus(now, ttl);
            for (String free : freeResources(c, candidates, now)) {
                if (takeOver(c, free, owner, now, expires)) {
                    return Optional.of(new Lease(free, owner, token(c, free), expires));
                }
            }
            return Optional.empty();
        });
    }

    /** @return resources whose lease has lapsed; on PostgreSQL only the first, locked, skipping locked rows */
    private List<String> freeResources(Connection c, List<String> candidates, Instant now) throws SQLException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i += Sql.CHUNK) {
            List<String> chunk = candidates.subList(i, Math.min(candidates.size(), i + Sql.CHUNK));
            String sql = "SELECT resource FROM leases WHERE expires_ns <= ? AND resource IN ("
                    + FilterSql.placeholders(chunk.size()) + ") ORDER BY resource";
            if (db.dialect().hasSkipLocked()) {
                sql += " LIMIT 1 FOR UPDATE SKIP LOCKED";
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, EpochNanos.of(now));
                for (int j = 0; j < chunk.size(); j++) {
                    ps.setString(j + 2, chunk.get(j));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
        return out;
    }

    /**
     * @param lease a lease the caller holds
     * @param ttl the new time to live, from now
     * @return the renewed lease, or empty if the lease was lost (taken by another owner)
     */
    public Optional<Lease> renew(Lease lease, Duration ttl) {
        StoreArguments.present(lease, "renew needs a lease");
        validate(lease.resource(), lease.owner(), ttl);
        return db.autoCommit("renew lease " + lease.resource() + " for " + lease.owner(), c -> {
            Instant expires = EpochNanos.plus(db.clock().instant(), ttl);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE leases SET expires_ns = ? WHERE resource = ? AND owner = ? AND token = ?")) {
                ps.setLong(1, EpochNanos.of(expires));
                ps.setString(2, lease.resource());
                ps.setString(3, lease.owner());
                ps.setLong(4, lease.token());
                return ps.executeUpdate() == 1
                        ? Optional.of(new Lease(lease.resource(), lease.owner(), lease.token(), expires))
                        : Optional.<Lease>empty();
            }
        });
    }

    /**
     * Gives a lease up early; no effect if it was lost already. The next holder, even the same owner, gets a
     * greater token.
     *
     * @param lease a lease the caller holds
     */
    public void release(Lease lease) {
        StoreArguments.present(lease, "release needs a lease");
        db.autoCommit("release lease " + lease.resource() + " of " + lease.owner(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE leases SET owner = '', expires_ns = ? "
                    + "WHERE resource = ? AND owner = ? AND token = ?")) {
                ps.setLong(1, Long.MIN_VALUE);
                ps.setString(2, lease.resource());
                ps.setString(3, lease.owner());
                ps.setLong(4, lease.token());
                return ps.executeUpdate();
            }
        });
    }

    /**
     * @param resource a resource name
     * @param token a fencing token
     * @return true if that token is the current holder's and its lease has not lapsed: what a writer checks, in
     *     the same transaction as its write, to be sure it still owns the resource
     */
    public boolean isCurrent(String resource, long token) {
        return db.autoCommit("check lease " + resource, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM leases WHERE resource = ? AND token = ? AND expires_ns > ?")) {
                ps.setString(1, resource);
                ps.setLong(2, token);
                ps.setLong(3, EpochNanos.of(db.clock().instant()));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private static boolean takeOver(Connection c, String resource, String owner, Instant now, Instant expires)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE leases SET owner = ?, token = token + 1, "
                + "expires_ns = ? WHERE resource = ? AND expires_ns <= ?")) {
            ps.setString(1, owner);
            ps.setLong(2, EpochNanos.of(expires));
            ps.setString(3, resource);
            ps.setLong(4, EpochNanos.of(now));
            return ps.executeUpdate() == 1;
        }
    }

    private static long token(Connection c, String resource) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT token FROM leases WHERE resource = ?")) {
            ps.setString(1, resource);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean exists(Connection c, String resource) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM leases WHERE resource = ?")) {
            ps.setString(1, resource);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void validate(String resource, String owner, Duration ttl) {
        StoreArguments.name(resource, "lease resource");
        StoreArguments.name(owner, "lease owner");
        StoreArguments.ttl(ttl);
    }
}
