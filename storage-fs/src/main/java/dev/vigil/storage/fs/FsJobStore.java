package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.support.LockedJobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Jobs, cursors and leases, each set in one state file under {@code state/}, rewritten atomically on every
 * change (temp file, fsync, rename). Lease expiry is judged by the store's injected clock; fencing tokens come
 * from a counter kept in the lease file, so they grow across restarts too.
 */
final class FsJobStore extends LockedJobStore {
    private final FileStore store;
    /** Job records this version cannot decode: skipped when read, written back as they were (never lost). */
    private final List<JsonNode> unreadableJobs = new ArrayList<>();

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
                FsFiles.removeTempFiles(store.stateDir(), report);
            }
        } catch (java.io.IOException e) {
            throw new dev.vigil.spi.StoreException("cannot create " + store.stateDir() + ": " + e, e);
        }
        JsonNode j = FsFiles.readStateJson(jobsFile());
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
                loadJob(job);
            }
        }
        JsonNode c = FsFiles.readStateJson(cursorsFile());
        if (c != null) {
            c.properties().forEach(e -> loadCursor(e.getKey(), e.getValue().asLong()));
        }
        JsonNode l = FsFiles.readStateJson(leasesFile());
        if (l != null) {
            long lastToken = l.get("last_token").asLong();
            loadLease(null, lastToken);
            for (JsonNode n : l.get("leases")) {
                loadLease(StateJson.lease(n), lastToken);
            }
        }
    }

    @Override
    protected <T> T read(Supplier<T> body) {
        return store.read(body);
    }

    @Override
    protected <T> T write(Supplier<T> body) {
        return store.write(body);
    }

    @Override
    protected Instant now() {
        return store.now();
    }

    @Override
    protected void requireExperiment(String experimentId, String what) {
        store.requireExperiment(experimentId, what);
    }

    @Override
    protected String describeJob(String jobId) {
        return "job " + jobId + " in " + store.uri;
    }

    @Override
    protected void persistJobs(Map<String, Job> all) {
        ArrayNode arr = StateJson.array();
        all.values().forEach(job -> arr.add(StateJson.job(job)));
        unreadableJobs.forEach(arr::add);
        FsFiles.writeState(jobsFile(), StateJson.bytes(arr));
    }

    @Override
    protected void persistCursors(Map<String, Long> all) {
        ObjectNode o = StateJson.F.objectNode();
        all.forEach(o::put);
        FsFiles.writeState(cursorsFile(), StateJson.bytes(o));
    }

    @Override
    protected void persistLeases(Map<String, Lease> all, long lastToken) {
        ObjectNode o = StateJson.F.objectNode();
        o.put("last_token", lastToken);
        ArrayNode arr = o.putArray("leases");
        all.values().forEach(l -> arr.add(StateJson.lease(l)));
        FsFiles.writeState(leasesFile(), StateJson.bytes(o));
    }
}
