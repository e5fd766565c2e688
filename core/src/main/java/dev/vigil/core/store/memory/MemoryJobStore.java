package dev.vigil.core.store.memory;

import dev.vigil.spi.store.support.LockedJobStore;
import java.time.Instant;
import java.util.function.Supplier;

/** Jobs, cursors and leases of a {@link MemoryStore}, under its lock and on its clock (nothing to persist). */
final class MemoryJobStore extends LockedJobStore {
    private final MemoryStore store;

    MemoryJobStore(MemoryStore store) {
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
    protected Instant now() {
        return store.clock().instant();
    }

    @Override
    protected void requireExperiment(String experimentId, String what) {
        store.requireExperiment(experimentId, what);
    }
}
