package dev.vigil.core.store.memory;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.MonitorStoreConformanceSuite;
import java.time.Clock;

/** The in-memory store's monitors pass the monitor store conformance suite. */
class MemoryMonitorStoreConformanceTest extends MonitorStoreConformanceSuite {
    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
    }
}
