package dev.vigil.core.store.memory;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.WriteLimitsConformanceSuite;
import java.time.Clock;

/** The in-memory store refuses the same oversized writes as every other store. */
class MemoryStoreWriteLimitsTest extends WriteLimitsConformanceSuite {
    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
    }
}
