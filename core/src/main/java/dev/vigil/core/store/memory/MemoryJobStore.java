package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.Lease;
import java.time.Duration;
import java.time.Instant;
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
        if (job == null) {
            throw new InvalidInputException("create needs a job, got null");
        }
        if (job.revision() != 1) {
            throw new InvalidInputException("a new job has revision 1, got " + job.revision() + " for job "
                    + job.jobId());
        }
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
        if (updated == null) {
            throw new InvalidInputException("update needs a job, got null");
        }
        return store.write(() -> {
            Job current = jobs.get(updated.jobId());
            if (current == null) {
                throw new NotFoundException("job " + updated.jobId() + " does not exist");
            }
            if (current.revision() != updated.revision() - 1) {
                throw new StaleWriteException("job " + updated.jobId() + " is at revision " + current.revision()
                        + " but the write was based on revision " + (updated.revision() - 1)
                        + "; re-read it and apply the change again");
            }
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
        requireName(name, "cursor name");
        return store.read(() -> {
            Long v = cursors.get(name);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        });
    }

    @Override
    public void saveCursor(String name, long position) {
        requireName(name, "cursor name");
        if (position < 0) {
            throw new InvalidInputException("cursor '" + name + "' position must be 0 or more, got " + position);
        }
        store.write(() -> cursors.merge(name, position, Math::max));
    }

    @Override
    public Optional<Lease> tryAcquire(String resource, String owner, Duration ttl) {
        requireName(resource, "lease resource");
        requireName(owner, "lease owner");
        requireTtl(ttl);
        return store.write(() -> {
            Instant now = store.clock().instant();
            Lease current = leases.get(resource);
            if (current != null && now.isBefore(current.expiresAt())) {
                if (!current.owner().equals(owner)) {
                    return Optional.empty();
                }
                Lease renewed = new Lease(resource, owner, current.token(), now.plus(ttl));
                leases.put(resource, renewed);
                return Optional.of(renewed);
            }
            long token = lastTokens.merge(resource, 1L, Long::sum);
            Lease lease = new Lease(resource, owner, token, now.plus(ttl));
            leases.put(resource, lease);
            return Optional.of(lease);
        });
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration ttl) {
        if (lease == null) {
            throw new InvalidInputException("renew needs a lease, got null");
        }
        requireTtl(ttl);
        return store.write(() -> {
            Lease current = leases.get(lease.resource());
            if (current == null || !current.owner().equals(lease.owner()) || current.token() != lease.token()) {
                return Optional.empty();
            }
            Lease renewed = new Lease(lease.resource(), lease.owner(), lease.token(), store.clock().instant().plus(ttl));
            leases.put(lease.resource(), renewed);
            return Optional.of(renewed);
        });
    }

    @Override
    public void release(Lease lease) {
        if (lease == null) {
            throw new InvalidInputException("release needs a lease, got null");
        }
        store.write(() -> {
            Lease current = leases.get(lease.resource());
            if (current != null && current.owner().equals(lease.owner()) && current.token() == lease.token()) {
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

    private static void requireName(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("a " + what + " must be a non-empty string");
        }
    }

    private static void requireTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("a lease time-to-live must be positive, got " + ttl);
        }
    }
}
