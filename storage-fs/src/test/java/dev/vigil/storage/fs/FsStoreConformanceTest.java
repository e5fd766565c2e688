package dev.vigil.storage.fs;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.DurableStoreConformanceSuite;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The file store passes the store conformance suite, opened through {@code Stores.open("fs:...")}. */
class FsStoreConformanceTest extends DurableStoreConformanceSuite {
    @TempDir
    Path dir;

    private String uri() {
        return "fs:" + dir.resolve("store");
    }

    @Override
    protected Store openStore(Clock clock) {
        return Stores.open(uri(), StoreOptions.withClock(clock));
    }

    @Override
    protected Store reopenStore(Clock clock) {
        return Stores.open(uri(), StoreOptions.withClock(clock));
    }
}
