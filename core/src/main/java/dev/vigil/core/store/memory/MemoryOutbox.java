package dev.vigil.core.store.memory;

import dev.vigil.spi.store.support.LockedOutbox;
import java.util.function.Supplier;

/** The notification outbox of a {@link MemoryStore}, under the store's lock. */
final class MemoryOutbox extends LockedOutbox {
    private final MemoryStore store;

    MemoryOutbox(MemoryStore store) {
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
}
