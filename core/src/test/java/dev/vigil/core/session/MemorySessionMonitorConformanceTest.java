package dev.vigil.core.session;

import dev.vigil.core.conformance.EngineSessionMonitorSuite;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The session monitor passes the session monitor conformance suite on the memory store (the engines share the one
 * store; it is not durable, so the reopen scenario is skipped). The runner retries without pausing.
 */
class MemorySessionMonitorConformanceTest extends EngineSessionMonitorSuite {

    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
    }

    @Override
    protected SessionMonitor sessionMonitor(Store store, String owner, Duration scorerTimeout, Duration leaseTtl,
            Clock clock) {
        ScorerRunner runner = new ScorerRunner(RetryPolicy.DEFAULT, Map.of(), ProviderLimit.DEFAULT, d -> { },
                System::nanoTime, () -> 0.5);
        return new SessionMonitor(store, id -> ScorerRegistry.of(store, id), runner, scorerTimeout,
                SessionOptions.defaults(), PASS_INTERVAL, owner, leaseTtl, clock);
    }
}
