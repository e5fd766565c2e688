package dev.vigil.core.store.memory;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.RollupStoreConformanceSuite;
import java.time.Clock;

/** The in-memory store's rollups pass the rollup store conformance suite. */
class MemoryRollupStoreConformanceTest extends RollupStoreConformanceSuite {
    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
    }
}
