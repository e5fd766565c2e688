package dev.vigil.spi.store.support;

import dev.vigil.spi.store.NotificationOutbox;
import dev.vigil.spi.store.OutboxEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@link NotificationOutbox} for a store that guards its state with one read/write lock (the memory store, the file
 * store): the entries are a map under that lock, changed by {@link OutboxRules}. A backend supplies its lock and
 * experiment check and, if it keeps the outbox on disk, {@link #loadLocked} and {@link #persistLocked} (a change
 * whose persist fails is undone in memory).
 */
public abstract class LockedOutbox implements NotificationOutbox {

    /** The entries by id; only touched under the store's lock. */
    protected final Map<String, OutboxEntry> entries = new TreeMap<>();

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

    /**
     * @param experimentId the experiment an entry belongs to
     * @param what the entry, for the message
     * @throws dev.vigil.spi.NotFoundException if the experiment does not exist
     */
    protected abstract void requireExperiment(String experimentId, String what);

    /** Fills {@link #entries} from disk the first time it is called (nothing by default); idempotent. */
    protected void loadLocked() {}

    /** Makes {@link #entries} durable after a change (nothing by default); called under the write lock. */
    protected void persistLocked() {}

    @Override
    public boolean record(OutboxEntry entry) {
        OutboxRules.requireNew(entry);
        return write(() -> {
            loadLocked();
            requireExperiment(entry.experimentId(), "notification " + entry.id());
            if (entries.containsKey(entry.id())) {
                return false;
            }
            replace(entry.id(), null, entry);
            return true;
        });
    }

    @Override
    public Optional<OutboxEntry> get(String id) {
        return read(() -> {
            loadLocked();
            return Optional.ofNullable(entries.get(id));
        });
    }

    @Override
    public List<OutboxEntry> due(Instant now, int limit) {
        return read(() -> {
            loadLocked();
            return OutboxRules.due(entries.values(), now, limit);
        });
    }

    @Override
    public boolean claim(String id, Instant now, Instant leaseUntil) {
        OutboxRules.requireLease(now, leaseUntil);
        return write(() -> {
            loadLocked();
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
        return write(() -> {
            loadLocked();
            OutboxEntry e = entries.get(id);
            if (e == null || !e.isPending()) {
                return false;
            }
            replace(id, e, e.sent(at));
            return true;
        });
    }

    /** Replaces an entry and persists; puts the old one back if it could not be persisted. */
    private void replace(String id, OutboxEntry old, OutboxEntry now) {
        entries.put(id, now);
        try {
            persistLocked();
        } catch (RuntimeException e) {
            if (old == null) {
                entries.remove(id);
            } else {
                entries.put(id, old);
            }
            throw e;
        }
    }
}
