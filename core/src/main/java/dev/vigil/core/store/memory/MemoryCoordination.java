package dev.vigil.core.store.memory;

import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.support.LockedCoordination;
import java.time.Instant;
import java.util.function.Supplier;

/** Fenced writes and stream settings of a {@link MemoryStore}: each check and write under the store's write lock. */
final class MemoryCoordination extends LockedCoordination {
    private final MemoryStore store;
    private final MemoryJobStore jobs;

    MemoryCoordination(MemoryStore store, MemoryJobStore jobs) {
        super(jobs);
        this.store = store;
        this.jobs = jobs;
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
    protected Lease leaseLocked(String resource) {
        return jobs.leaseLocked(resource);
    }

    @Override
    protected void overwriteCursorLocked(String name, long position) {
        jobs.overwriteCursorLocked(name, position);
    }
}
