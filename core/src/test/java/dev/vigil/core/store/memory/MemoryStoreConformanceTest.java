package dev.vigil.core.store.memory;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.StoreConformanceSuite;
import java.time.Clock;

/** The in-memory store, opened through {@link Stores} as users open it, passes the store conformance suite. */
class MemoryStoreConformanceTest extends StoreConformanceSuite {
    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
    }
}
