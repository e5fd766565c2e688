package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.store.NotificationOutbox;
import dev.vigil.spi.store.OutboxEntry;
import dev.vigil.spi.store.support.OutboxRules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The notification outbox in {@code state/outbox.state}, rewritten atomically (temp file, fsync, rename) on every
 * change, read at first use. Alerts are rare (a few per budget and period, one per monitor transition), so the
 * whole outbox is one small file; the file store's one writing process makes taking an entry atomic.
 */
final class FsOutbox implements NotificationOutbox {
    static final String STATE_FILE = "outbox.state";

    private final FileStore store;
    private boolean loaded;
    private final Map<String, OutboxEntry> entries = new TreeMap<>();

    FsOutbox(FileStore store) {
        this.store = store;
    }

    private Path file() {
        return store.stateDir().resolve(STATE_FILE);
    }

    /** Loads the file once; call under a lock (loading is idempotent). */
    private synchronized void load() {
        if (loaded) {
            return;
        }
        JsonNode node = FileStore.readStateJson(file());
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

    private void persist() {
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

    /** Replaces an entry and persists; puts the old one back if the file could not be written. */
    private void replace(String id, OutboxEntry old, OutboxEntry now) {
        entries.put(id, now);
        try {
            persist();
        } catch (RuntimeException e) {
            if (old == null) {
                entries.remove(id);
            } else {
                entries.put(id, old);
            }
            throw e;
        }
    }

    @Override
    public boolean record(OutboxEntry entry) {
        OutboxRules.requireNew(entry);
        return store.write(() -> {
            load();
            store.requireExperiment(entry.experimentId(), "notification " + entry.id());
            if (entries.containsKey(entry.id())) {
                return false;
            }
            replace(entry.id(), null, entry);
            return true;
        });
    }

    @Override
    public Optional<OutboxEntry> get(String id) {
        return store.read(() -> {
            load();
            return Optional.ofNullable(entries.get(id));
        });
    }

    @Override
    public List<OutboxEntry> due(Instant now, int limit) {
        return store.read(() -> {
            load();
            return OutboxRules.due(entries.values(), now, limit);
        });
    }

    @Override
    public boolean claim(String id, Instant now, Instant leaseUntil) {
        OutboxRules.requireLease(now, leaseUntil);
        return store.write(() -> {
            load();
            OutboxEntry e = entries.get(id);
            if (e == null || !OutboxRules.isDue(e, now)) {
                return false;
            }
            replace(id, e, e.taken(leaseUntil));
            return true;
        });
    }

    @Override
    public boolean markSent(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        return store.write(() -> {
            load();
            OutboxEntry e = entries.get(id);
            if (e == null || !e.isPending()) {
                return false;
            }
            replace(id, e, e.sent(at));
            return true;
        });
    }
}
