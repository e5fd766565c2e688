package dev.vigil.core.registry;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;

/** The lifecycle examples against the in-memory store. */
class MemoryScorerLifecycleTest extends ScorerLifecycleContract {
    @Override
    protected Store openStore() {
        return Stores.open("memory:");
    }
}
