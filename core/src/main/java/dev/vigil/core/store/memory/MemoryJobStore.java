package dev.vigil.core.store.memory;

import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.support.LeaseRules;
import dev.vigil.spi.store.support.Revisions;
import dev.vigil.spi.store.support.StoreArguments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Jobs, cursors and leases of a {@link MemoryStore}. A lease is held while the store's clock reads before its
 * {@code expiresAt}; each new holder of a resource gets a fencing token greater than every earlier one, even
 * after a release.
 */
final class MemoryJobStore implements JobStore {
    private final MemoryStore store;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Long> cursors = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Long> lastTokens = new HashMap<>();

    MemoryJobStore(MemoryStore store) {
        this.store = store;
    }

    @Override
    public Job create(Job job) {
        StoreArguments.present(job, "create needs a job");
        Revisions.requireNew(job.revision(), "job " + job.jobId());
        return store.write(() -> {
            store.requireExperiment(job.experimentId(), "job " + job.jobId());
            if (jobs.containsKey(job.jobId())) {
                throw new StaleWriteException("job " + job.jobId() + " already exists");
            }
            jobs.put(job.jobId(), job);
            return job;
        });
    }

    @Override
    public Job update(Job updated) {
        StoreArguments.present(updated, "update needs a job");
        return store.write(() -> {
            Job current = jobs.get(updated.jobId());
            Revisions.checkUpdate("job " + updated.jobId(), current == null ? null : current.revision(),
                    updated.revision());
            jobs.put(updated.jobId(), updated);
            return updated;
        });
    }

    @Override
    public Optional<Job> get(String jobId) {
        return store.read(() -> Optional.ofNullable(jobs.get(jobId)));
    }

    @Override
    public List<Job> list(String experimentId) {
        return store.read(() -> {
            List<Job> out = new ArrayList<>();
            for (Job j : jobs.values()) {
                if (j.experimentId().equals(experimentId)) {
                    out.add(j);
                }
            }
            // newest first; jobs created at the same instant: the later-created first
            List<Job> reversed = new ArrayList<>(out.reversed());
            reversed.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
            return List.copyOf(reversed);
        });
    }

    @Override
    public OptionalLong cursor(String name) {
        StoreArguments.name(name, "cursor name");
        return store.read(() -> {
            Long v = cursors.get(name);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        });
    }

    @Override
    public void saveCursor(String name, long position) {
        StoreArguments.cursor(name, position);
        store.write(() -> cursors.merge(name, position, Math::max));
    }

    @Override
    public Optional<Lease> tryAcquire(String resource, String owner, Duration ttl) {
        StoreArguments.name(resource, "lease resource");
        StoreArguments.name(owner, "lease owner");
        StoreArguments.ttl(ttl);
        return store.write(() -> {
            Optional<Lease> next = LeaseRules.acquire(leases.get(resource), resource, owner, ttl,
                    store.clock().instant(), lastTokens.getOrDefault(resource, 0L));
            next.ifPresent(l -> {
                leases.put(resource, l);
                lastTokens.merge(resource, l.token(), Math::max);
            });
            return next;
        });
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration ttl) {
        StoreArguments.present(lease, "renew needs a lease");
        StoreArguments.ttl(ttl);
        return store.write(() -> {
            Optional<Lease> next = LeaseRules.renew(leases.get(lease.resource()), lease, ttl, store.clock().instant());
            next.ifPresent(l -> leases.put(l.resource(), l));
            return next;
        });
    }

    @Override
    public void release(Lease lease) {
        StoreArguments.present(lease, "release needs a lease");
        store.write(() -> {
            if (LeaseRules.sameHolder(leases.get(lease.resource()), lease)) {
                leases.remove(lease.resource());
            }
            return null;
        });
    }

    /** @return the resource's current lease (expired or not), or null; call under the store's lock */
    Lease leaseLocked(String resource) {
        return leases.get(resource);
    }

    /** Sets a cursor even backwards (re-partitioning); call under the store's write lock. */
    void overwriteCursorLocked(String name, long position) {
        cursors.put(name, position);
    }
}
