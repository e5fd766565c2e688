package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.support.LeaseRules;
import dev.vigil.spi.store.support.Revisions;
import dev.vigil.spi.store.support.StoreArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Jobs, cursors and leases, each set in one state file under {@code state/}, rewritten atomically on every
 * change (temp file, fsync, rename). Lease expiry is judged by the store's injected clock; fencing tokens come
 * from a counter kept in the lease file, so they grow across restarts too.
 */
final class FsJobStore implements JobStore {
    private final FileStore store;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    /** Job records this version cannot decode: skipped when read, written back as they were (never lost). */
    private final List<JsonNode> unreadableJobs = new java.util.ArrayList<>();
    private final Map<String, Long> cursors = new LinkedHashMap<>();
    private final Map<String, Lease> leases = new LinkedHashMap<>();
    private long lastToken;

    FsJobStore(FileStore store) {
        this.store = store;
    }

    private Path jobsFile() {
        return store.stateDir().resolve("jobs.state");
    }

    private Path cursorsFile() {
        return store.stateDir().resolve("cursors.state");
    }

    private Path leasesFile() {
        return store.stateDir().resolve("leases.state");
    }

    void load(RecoveryReport.Builder report) {
        try {
            if (!store.options.readOnly()) {
                Files.createDirectories(store.stateDir());
                FileStore.removeTempFiles(store.stateDir(), report);
            }
        } catch (java.io.IOException e) {
            throw new dev.vigil.spi.StoreException("cannot create " + store.stateDir() + ": " + e, e);
        }
        JsonNode j = FileStore.readStateJson(jobsFile());
        if (j != null) {
            for (JsonNode n : j) {
                Job job;
                try {
                    job = StateJson.job(n);
                } catch (RuntimeException e) {
                    // a status this version does not know, a damaged record: skipped, logged once, kept on disk
                    store.skipped.skip("job", String.valueOf(StateJson.text(n, "job_id")), String.valueOf(e));
                    unreadableJobs.add(n);
                    continue;
                }
                jobs.put(job.jobId(), job);
            }
        }
        JsonNode c = FileStore.readStateJson(cursorsFile());
        if (c != null) {
            c.properties().forEach(e -> cursors.put(e.getKey(), e.getValue().asLong()));
        }
        JsonNode l = FileStore.readStateJson(leasesFile());
        if (l != null) {
            lastToken = l.get("last_token").asLong();
            for (JsonNode n : l.get("leases")) {
                Lease lease = StateJson.lease(n);
                leases.put(lease.resource(), lease);
            }
        }
    }

    private void persistJobs(Map<String, Job> next) {
        ArrayNode arr = StateJson.array();
        next.values().forEach(job -> arr.add(StateJson.job(job)));
        unreadableJobs.forEach(arr::add);
        FsFiles.writeState(jobsFile(), StateJson.bytes(arr));
    }

    private void persistCursors(Map<String, Long> next) {
        ObjectNode o = StateJson.F.objectNode();
        next.forEach(o::put);
        FsFiles.writeState(cursorsFile(), StateJson.bytes(o));
    }

    private void persistLeases(Map<String, Lease> next, long token) {
        ObjectNode o = StateJson.F.objectNode();
        o.put("last_token", token);
        ArrayNode arr = o.putArray("leases");
        next.values().forEach(l -> arr.add(StateJson.lease(l)));
        FsFiles.writeState(leasesFile(), StateJson.bytes(o));
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
            Map<String, Job> next = new LinkedHashMap<>(jobs);
            next.put(job.jobId(), job);
            persistJobs(next);
            jobs.put(job.jobId(), job);
            return job;
        });
    }

    @Override
    public Job update(Job updated) {
        StoreArguments.present(updated, "update needs a job");
        return store.write(() -> {
            Job current = jobs.get(updated.jobId());
            Revisions.checkUpdate("job " + updated.jobId() + " in " + store.uri,
                    current == null ? null : current.revision(), updated.revision());
            Map<String, Job> next = new LinkedHashMap<>(jobs);
            next.put(updated.jobId(), updated);
            persistJobs(next);
            jobs.put(updated.jobId(), updated);
            return updated;
        });
    }

    @Override
    public Optional<Job> get(String jobId) {
        return store.read(() -> Optional.ofNullable(jobId == null ? null : jobs.get(jobId)));
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
            // newest first; among jobs created at the same instant, the later created first
            List<Job> reversed = new ArrayList<>(out.reversed());
            reversed.sort(Comparator.comparing(Job::createdAt).reversed());
            return List.copyOf(reversed);
        });
    }

    @Override
    public OptionalLong cursor(String name) {
        return store.read(() -> {
            Long v = name == null ? null : cursors.get(name);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        });
    }

    @Override
    public void saveCursor(String name, long position) {
        StoreArguments.cursor(name, position);
        store.write(() -> {
            Long current = cursors.get(name);
            if (current != null && current >= position) {
                return null;
            }
            Map<String, Long> next = new LinkedHashMap<>(cursors);
            next.put(name, position);
            persistCursors(next);
            cursors.put(name, position);
            return null;
        });
    }

    /** @return the resource's current lease (expired or not), or null; call under the store's lock */
    Lease leaseLocked(String resource) {
        return leases.get(resource);
    }

    /** Sets a cursor even backwards (re-partitioning), durably; call under the store's write lock. */
    void overwriteCursorLocked(String name, long position) {
        Map<String, Long> next = new LinkedHashMap<>(cursors);
        next.put(name, position);
        persistCursors(next);
        cursors.put(name, position);
    }

    @Override
    public Optional<Lease> tryAcquire(String resource, String owner, Duration ttl) {
        StoreArguments.name(resource, "lease resource");
        StoreArguments.name(owner, "lease owner");
        StoreArguments.ttl(ttl);
        return store.write(() -> {
            // one counter for every resource, kept in the lease file: tokens grow across releases and restarts
            Optional<Lease> acquired = LeaseRules.acquire(leases.get(resource), resource, owner, ttl, store.now(),
                    lastToken);
            if (acquired.isEmpty()) {
                return acquired;
            }
            Lease next = acquired.get();
            long token = Math.max(lastToken, next.token());
            Map<String, Lease> all = new LinkedHashMap<>(leases);
            all.put(resource, next);
            persistLeases(all, token);
            leases.put(resource, next);
            lastToken = token;
            return Optional.of(next);
        });
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration ttl) {
        StoreArguments.present(lease, "renew needs a lease");
        StoreArguments.ttl(ttl);
        return store.write(() -> {
            Optional<Lease> renewed = LeaseRules.renew(leases.get(lease.resource()), lease, ttl, store.now());
            if (renewed.isEmpty()) {
                return renewed;
            }
            Lease next = renewed.get();
            Map<String, Lease> all = new LinkedHashMap<>(leases);
            all.put(lease.resource(), next);
            persistLeases(all, lastToken);
            leases.put(lease.resource(), next);
            return Optional.of(next);
        });
    }

    @Override
    public void release(Lease lease) {
        StoreArguments.present(lease, "release needs a lease");
        store.write(() -> {
            if (!LeaseRules.sameHolder(leases.get(lease.resource()), lease)) {
                return null;
            }
            Map<String, Lease> all = new LinkedHashMap<>(leases);
            all.remove(lease.resource());
            persistLeases(all, lastToken);
            leases.remove(lease.resource());
            return null;
        });
    }
}
