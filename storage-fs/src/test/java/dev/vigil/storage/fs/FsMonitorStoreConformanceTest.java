package dev.vigil.storage.fs;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.MonitorStoreConformanceSuite;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The file store's monitors pass the monitor store conformance suite, including a reopen. */
class FsMonitorStoreConformanceTest extends MonitorStoreConformanceSuite {
    @TempDir
    Path dir;

    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("fs:" + dir.resolve("store"), StoreOptions.withClock(clock));
    }

    @Override
    protected Store reopenStore(Clock clock) {
        return Stores.open("fs:" + dir.resolve("store"), StoreOptions.withClock(clock));
    }
}
