package dev.vigil.storage.fs;

import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.core.session.SessionMonitor;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.session.SessionMonitorConformanceSuite;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session monitor passes the session monitor conformance suite on the file store: two engines' monitors (own
 * registries, runners and ids) on one store handle, and the reopen scenario.
 */
class FsSessionMonitorConformanceTest extends SessionMonitorConformanceSuite {
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

    @Override
    protected void startSessionScorer(Store store, String experimentId, String name, Class<?> scorerClass) {
        ScorerRegistry.of(store, experimentId).register(Scorers.ofClass(name, scorerClass))
                .start(SamplingConfig.of(1.0));
    }

    @Override
    protected void stopScorer(Store store, String experimentId, String name) {
        ScorerRegistry.of(store, experimentId).stop(name);
    }

    @Override
    protected Monitor newMonitor(Store store, String owner, Duration scorerTimeout, Duration leaseTtl, Clock clock) {
        SessionMonitor m = new SessionMonitor(store, id -> ScorerRegistry.of(store, id), scorerTimeout,
                SessionOptions.defaults(), Duration.ofSeconds(1), owner, leaseTtl, clock);
        return new Monitor() {
            @Override
            public Map<String, Pass> runOnce() {
                Map<String, Pass> out = new LinkedHashMap<>();
                m.runOnce().forEach((id, p) -> out.put(id, new Pass(p.sessions(), p.active(), p.notSampled(),
                        p.upToDate(), p.scored(), p.deferred())));
                return out;
            }

            @Override
            public void start() {
                m.start();
            }

            @Override
            public boolean isRunning() {
                return m.isRunning();
            }

            @Override
            public void close() {
                m.close();
            }
        };
    }
}
