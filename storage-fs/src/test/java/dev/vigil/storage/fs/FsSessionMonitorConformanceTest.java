package dev.vigil.storage.fs;

import dev.vigil.core.conformance.EngineSessionMonitorSuite;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session monitor passes the session monitor conformance suite on the file store: two engines' monitors (own
 * registries, runners and ids) on one store handle, and the reopen scenario.
 */
class FsSessionMonitorConformanceTest extends EngineSessionMonitorSuite {
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
