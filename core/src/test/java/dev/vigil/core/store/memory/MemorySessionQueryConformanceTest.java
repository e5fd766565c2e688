package dev.vigil.core.store.memory;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.SessionQueryConformanceSuite;
import java.time.Clock;

/** The in-memory store passes the session query conformance suite. */
class MemorySessionQueryConformanceTest extends SessionQueryConformanceSuite {
    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
    }
}
