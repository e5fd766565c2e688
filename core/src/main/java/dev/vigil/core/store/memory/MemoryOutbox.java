package dev.vigil.core.store.memory;

import dev.vigil.spi.store.NotificationOutbox;
import dev.vigil.spi.store.OutboxEntry;
import dev.vigil.spi.store.support.OutboxRules;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The notification outbox of a {@link MemoryStore}, under the store's lock. */
final class MemoryOutbox implements NotificationOutbox {
    private final MemoryStore store;
    private final Map<String, OutboxEntry> entries = new LinkedHashMap<>();

    MemoryOutbox(MemoryStore store) {
        this.store = store;
    }

    @Override
    public boolean record(OutboxEntry entry) {
        OutboxRules.requireNew(entry);
        return store.write(() -> {
            store.requireExperiment(entry.experimentId(), "notification " + entry.id());
            return entries.putIfAbsent(entry.id(), entry) == null;
        });
    }

    @Override
    public Optional<OutboxEntry> get(String id) {
        return store.read(() -> Optional.ofNullable(entries.get(id)));
    }

    @Override
    public List<OutboxEntry> due(Instant now, int limit) {
        return store.read(() -> OutboxRules.due(entries.values(), now, limit));
    }

    @Override
    public boolean claim(String id, Instant now, Instant leaseUntil) {
        OutboxRules.requireLease(now, leaseUntil);
        return store.write(() -> {
            OutboxEntry e = entries.get(id);
            if (e == null || !OutboxRules.isDue(e, now)) {
                return false;
            }
            entries.put(id, e.taken(leaseUntil));
            return true;
        });
    }

    @Override
    public boolean markSent(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        return store.write(() -> {
            OutboxEntry e = entries.get(id);
            if (e == null || !e.isPending()) {
                return false;
            }
            entries.put(id, e.sent(at));
            return true;
        });
    }
}
