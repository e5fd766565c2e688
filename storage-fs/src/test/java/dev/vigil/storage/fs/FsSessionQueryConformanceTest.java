package dev.vigil.storage.fs;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.SessionQueryConformanceSuite;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The file store passes the session query conformance suite. */
class FsSessionQueryConformanceTest extends SessionQueryConformanceSuite {
    @TempDir
    Path dir;

    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("fs:" + dir.resolve("store"), StoreOptions.withClock(clock));
    }
}
