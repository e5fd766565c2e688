package dev.vigil.core.store.memory;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.FilterConformanceSuite;
import java.time.Clock;
import java.util.function.Function;

/** The in-memory store selects what the shared evaluator selects, on filters written as users write them. */
class MemoryFilterConformanceTest extends FilterConformanceSuite {
    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
    }

    @Override
    protected Function<String, FilterExpr> parser() {
        return s -> TraceFilter.parse(s).expr();
    }
}
