package dev.vigil.spi.store.support;

import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * {@link JobStore} for a store that guards its state with one read/write lock (the memory store, the file store):
 * jobs, cursors and leases are maps under that lock, changed by {@link Revisions} and {@link LeaseRules}. A lease is
 * held while the store's clock reads before its {@code expiresAt}; fencing tokens come from one counter for every
 * resource, so each new holder of a resource gets a token greater than every earlier one, even after a release.
 *
 * <p>A backend supplies its lock, clock and experiment check and, if it keeps this state on disk, the three
 * {@code persist} hooks and a load through {@link #loadJob}, {@link #loadCursor} and {@link #loadLease}. Each change is
 * made in memory and then persisted; a change whose persist fails is undone in memory, so memory never runs ahead of
 * what is durable.
 */
public abstract class LockedJobStore implements JobStore {
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Long> cursors = new LinkedHashMap<>();
    private final Map<String, Lease> leases = new LinkedHashMap<>();
    private long lastToken;

    /**
     * @param body what to read
     * @param <T> the result type
     * @return its result, run under the store's read lock
     */
    protected abstract <T> T read(Supplier<T> body);

    /**
     * @param body what to change
     * @param <T> the result type
     * @return its result, run under the store's write lock
     */
    protected abstract <T> T write(Supplier<T> body);

    /** @return the store's time now (lease expiry is judged by it) */
    protected abstract Instant now();

    /**
     * @param experimentId the experiment a job belongs to
     * @param what the job, for the message
     * @throws dev.vigil.spi.NotFoundException if the experiment does not exist
     */
    protected abstract void requireExperiment(String experimentId, String what);

    /** @return how a job is named in messages (a backend may add where it lives) */
    protected String describeJob(String jobId) {
        return "job " + jobId;
    }

    /**
     * Makes the jobs durable after a change (nothing by default); called under the write lock.
     *
     * @param all every job, in creation order
     */
    protected void persistJobs(Map<String, Job> all) {
    }

    /**
     * Makes the cursors durable after a change (nothing by default); called under the write lock.
     *
     * @param all every cursor
     */
    protected void persistCursors(Map<String, Long> all) {
    }

    /**
     * Makes the leases durable after a change (nothing by default); called under the write lock.
     *
     * @param all every lease held or expired and not yet replaced
     * @param lastToken the highest fencing token handed out, to be restored by {@link #loadLease}
     */
    protected void persistLeases(Map<String, Lease> all, long lastToken) {
    }

    /** @param job a job read back from durable state while the store opens */
    protected final void loadJob(Job job) {
        jobs.put(job.jobId(), job);
    }

    /**
     * @param name a cursor read back from durable state while the store opens
     * @param position its position
     */
    protected final void loadCursor(String name, long position) {
        cursors.put(name, position);
    }

    /**
     * @param lease a lease read back from durable state while the store opens, or null for none
     * @param token the highest fencing token handed out before
     */
    protected final void loadLease(Lease lease, long token) {
        if (lease != null) {
            leases.put(lease.resource(), lease);
        }
        lastToken = Math.max(lastToken, token);
    }

    @Override
    public Job create(Job job) {
        StoreArguments.present(job, "create needs a job");
        Revisions.requireNew(job.revision(), describeJob(job.jobId()));
        return write(() -> {
            requireExperiment(job.experimentId(), describeJob(job.jobId()));
            if (jobs.containsKey(job.jobId())) {
                throw new StaleWriteException(describeJob(job.jobId()) + " already exists");
            }
            putJob(job, null);
            return job;
        });
    }

    @Override
    public Job update(Job updated) {
        StoreArguments.present(updated, "update needs a job");
        return write(() -> {
            Job current = jobs.get(updated.jobId());
            Revisions.checkUpdate(describeJob(updated.jobId()), current == null ? null : current.revision(),
                    updated.revision());
            putJob(updated, current);
            return updated;
        });
    }

    private void putJob(Job job, Job old) {
        jobs.put(job.jobId(), job);
        try {
            persistJobs(jobs);
        } catch (RuntimeException e) {
            if (old == null) {
                jobs.remove(job.jobId());
            } else {
                jobs.put(job.jobId(), old);
            }
            throw e;
        }
    }

    @Override
    public Optional<Job> get(String jobId) {
        return read(() -> Optional.ofNullable(jobId == null ? null : jobs.get(jobId)));
    }

    @Override
    public List<Job> list(String experimentId) {
        return read(() -> {
            List<Job> out = new ArrayList<>();
            for (Job j : jobs.values()) {
                if (j.experimentId().equals(experimentId)) {
                    out.add(j);
                }
            }
            // newest first; among jobs created at the same instant, the later created first (a stable sort of the
            // reversed creation order)
            List<Job> reversed = new ArrayList<>(out.reversed());
            reversed.sort(Comparator.comparing(Job::createdAt).reversed());
            return List.copyOf(reversed);
        });
    }

    @Override
    public OptionalLong cursor(String name) {
        StoreArguments.name(name, "cursor name");
        return read(() -> {
            Long v = cursors.get(name);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        });
    }

    @Override
    public void saveCursor(String name, long position) {
        StoreArguments.cursor(name, position);
        write(() -> {
            Long current = cursors.get(name);
            if (current == null || current < position) {
                putCursor(name, position, current);
            }
            return null;
        });
    }

    /**
     * Sets a cursor even backwards (re-partitioning), durably; called under the write lock.
     *
     * @param name a cursor
     * @param position its new position
     */
    final void overwriteCursorLocked(String name, long position) {
        putCursor(name, position, cursors.get(name));
    }

    private void putCursor(String name, long position, Long old) {
        cursors.put(name, position);
        try {
            persistCursors(cursors);
        } catch (RuntimeException e) {
            if (old == null) {
                cursors.remove(name);
            } else {
                cursors.put(name, old);
            }
            throw e;
        }
    }

    /**
     * @param resource a lease's resource
     * @return its current lease (expired or not), or null; called under the store's lock
     */
    final Lease leaseLocked(String resource) {
        return leases.get(resource);
    }

    @Override
    public Optional<Lease> tryAcquire(String resource, String owner, Duration ttl) {
        StoreArguments.name(resource, "lease resource");
        StoreArguments.name(owner, "lease owner");
        StoreArguments.ttl(ttl);
        return write(() -> {
            Lease current = leases.get(resource);
            Optional<Lease> acquired = LeaseRules.acquire(current, resource, owner, ttl, now(), lastToken);
            if (acquired.isPresent()) {
                long before = lastToken;
                lastToken = Math.max(lastToken, acquired.get().token());
                try {
                    putLease(resource, acquired.get(), current);
                } catch (RuntimeException e) {
                    lastToken = before;
                    throw e;
                }
            }
            return acquired;
        });
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration ttl) {
        StoreArguments.present(lease, "renew needs a lease");
        StoreArguments.ttl(ttl);
        return write(() -> {
            Lease current = leases.get(lease.resource());
            Optional<Lease> renewed = LeaseRules.renew(current, lease, ttl, now());
            renewed.ifPresent(next -> putLease(lease.resource(), next, current));
            return renewed;
        });
    }

    @Override
    public void release(Lease lease) {
        StoreArguments.present(lease, "release needs a lease");
        write(() -> {
            Lease current = leases.get(lease.resource());
            if (LeaseRules.sameHolder(current, lease)) {
                putLease(lease.resource(), null, current);
            }
            return null;
        });
    }

    /** Sets (or with null removes) a resource's lease and persists; puts the old one back if that fails. */
    private void putLease(String resource, Lease next, Lease old) {
        if (next == null) {
            leases.remove(resource);
        } else {
            leases.put(resource, next);
        }
        try {
            persistLeases(leases, lastToken);
        } catch (RuntimeException e) {
            if (old == null) {
                leases.remove(resource);
            } else {
                leases.put(resource, old);
            }
            throw e;
        }
    }
}
