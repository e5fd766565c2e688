package dev.vigil.storage.fs;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.FilterConformanceSuite;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;

/** The file store selects what the shared evaluator selects over the traces as written (a full round trip). */
class FsFilterConformanceTest extends FilterConformanceSuite {
    @TempDir
    Path dir;

    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("fs:" + dir.resolve("store"), StoreOptions.withClock(clock));
    }

    @Override
    protected Function<String, FilterExpr> parser() {
        return s -> TraceFilter.parse(s).expr();
    }
}
