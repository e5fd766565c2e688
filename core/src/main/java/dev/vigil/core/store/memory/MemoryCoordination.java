package dev.vigil.core.store.memory;

import dev.vigil.spi.store.support.LockedCoordination;

/** Fenced writes and stream settings of a {@link MemoryStore}: each check and write under the store's write lock. */
final class MemoryCoordination extends LockedCoordination {
    MemoryCoordination(MemoryJobStore jobs) {
        super(jobs);
    }
}
