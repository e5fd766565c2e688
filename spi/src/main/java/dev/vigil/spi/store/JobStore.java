package dev.vigil.spi.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Background jobs, durable cursors, and leases for sharing work between engine instances. */
public interface JobStore {

    /**
     * @param job a new job with revision 1
     * @return the stored job
     * @throws dev.vigil.spi.StaleWriteException if a job with that id exists
     */
    Job create(Job job);

    /**
     * @param updated the job's next revision (see {@link Job#next})
     * @return the stored job
     * @throws dev.vigil.spi.StaleWriteException if the stored revision is not {@code updated.revision() - 1}
     * @throws dev.vigil.spi.NotFoundException if there is no such job
     */
    Job update(Job updated);

    /**
     * @param jobId an id
     * @return the job
     */
    Optional<Job> get(String jobId);

    /**
     * @param experimentId an experiment
     * @return its jobs, newest first
     */
    List<Job> list(String experimentId);

    /**
     * @param name a cursor name (e.g. the engine's tail cursor)
     * @return its saved position, or empty if never saved
     */
    OptionalLong cursor(String name);

    /**
     * Saves a cursor position durably. Positions only move forward: saving a lower value than the stored one
     * leaves the stored one.
     *
     * @param name the cursor name
     * @param position the position
     */
    void saveCursor(String name, long position);

    /**
     * Takes a lease if it is free, expired, or already held by {@code owner} (then it is renewed, same token).
     *
     * @param resource the resource name
     * @param owner the caller's id
     * @param ttl how long the lease lasts without renewal
     * @return the lease, or empty if another owner holds it
     */
    Optional<Lease> tryAcquire(String resource, String owner, Duration ttl);

    /**
     * @param lease a lease the caller holds
     * @param ttl the new time to live, from now
     * @return the renewed lease, or empty if the lease was lost (expired and taken by another owner)
     */
    Optional<Lease> renew(Lease lease, Duration ttl);

    /**
     * Gives a lease up early; no effect if it was lost already.
     *
     * @param lease a lease the caller holds
     */
    void release(Lease lease);
}
