package dev.vigil.spi.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Exclusive, expiring ownership of a named resource (a partition of the trace stream, a job), shared by the
 * engine instances using one store. A holder that dies stops renewing, and once the lease expires another
 * instance takes it over.
 *
 * @param resource the resource name
 * @param owner the holder's id
 * @param token a fencing token: strictly greater for each new holder of the resource
 * @param expiresAt when the lease lapses unless renewed
 */
public record Lease(String resource, String owner, long token, Instant expiresAt) {
    /** Validates. */
    public Lease {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
