package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.store.OutboxEntry;
import dev.vigil.spi.store.support.LockedOutbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The notification outbox in {@code state/outbox.state}, rewritten atomically (temp file, fsync, rename) on every
 * change, read at first use. Alerts are rare (a few per budget and period, one per monitor transition), so the
 * whole outbox is one small file; the file store's one writing process makes taking an entry atomic.
 */
final class FsOutbox extends LockedOutbox {
    static final String STATE_FILE = "outbox.state";

    private final FileStore store;
    private boolean loaded;

    FsOutbox(FileStore store) {
        this.store = store;
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
    protected void requireExperiment(String experimentId, String what) {
        store.requireExperiment(experimentId, what);
    }

    private Path file() {
        return store.stateDir().resolve(STATE_FILE);
    }

    /** Loads the file once; synchronized because readers share the read lock. */
    @Override
    protected synchronized void loadLocked() {
        if (loaded) {
            return;
        }
        JsonNode node = FsFiles.readStateJson(file());
        if (node != null) {
            for (JsonNode e : node.path("entries")) {
                OutboxEntry entry = new OutboxEntry(e.get("id").asText(), e.get("experiment_id").asText(),
                        e.get("kind").asText(), e.get("subject").asText(), e.get("body").asText(),
                        Instant.parse(e.get("created_at").asText()), e.get("attempts").asInt(),
                        e.hasNonNull("lease_until") ? Instant.parse(e.get("lease_until").asText()) : null,
                        e.hasNonNull("sent_at") ? Instant.parse(e.get("sent_at").asText()) : null);
                entries.put(entry.id(), entry);
            }
        }
        loaded = true;
    }

    @Override
    protected void persistLocked() {
        List<Object> es = new ArrayList<>();
        for (OutboxEntry e : entries.values()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", e.id());
            o.put("experiment_id", e.experimentId());
            o.put("kind", e.kind());
            o.put("subject", e.subject());
            o.put("body", e.body());
            o.put("created_at", e.createdAt().toString());
            o.put("attempts", e.attempts());
            o.put("lease_until", e.leaseUntil() == null ? null : e.leaseUntil().toString());
            o.put("sent_at", e.sentAt() == null ? null : e.sentAt().toString());
            es.add(o);
        }
        FsFiles.writeState(file(), Json.write(Map.of("entries", es)).getBytes(StandardCharsets.UTF_8));
    }
}
