package dev.vigil.core.store.memory;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.BudgetStoreConformanceSuite;
import java.time.Clock;

/** The in-memory store's budgets pass the budget store conformance suite. */
class MemoryBudgetStoreConformanceTest extends BudgetStoreConformanceSuite {
    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
    }
}
