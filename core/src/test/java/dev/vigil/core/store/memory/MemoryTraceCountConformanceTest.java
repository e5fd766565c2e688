package dev.vigil.core.store.memory;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.TraceCountConformanceSuite;
import java.time.Clock;

/** The in-memory store passes the trace count conformance suite. */
class MemoryTraceCountConformanceTest extends TraceCountConformanceSuite {
    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
    }
}
