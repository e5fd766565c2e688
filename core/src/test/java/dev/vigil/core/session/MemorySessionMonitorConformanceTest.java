package dev.vigil.core.session;

import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.session.SessionMonitorConformanceSuite;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The session monitor passes the session monitor conformance suite on the memory store (the engines share the one
 * store; it is not durable, so the reopen scenario is skipped). The runner retries without pausing.
 */
class MemorySessionMonitorConformanceTest extends SessionMonitorConformanceSuite {

    @Override
    protected Store openStore(Clock clock) {
        return Stores.open("memory:", StoreOptions.withClock(clock));
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
        ScorerRunner runner = new ScorerRunner(RetryPolicy.DEFAULT, Map.of(), ProviderLimit.DEFAULT, d -> { },
                System::nanoTime, () -> 0.5);
        return adapt(new SessionMonitor(store, id -> ScorerRegistry.of(store, id), runner, scorerTimeout,
                SessionOptions.defaults(), Duration.ofSeconds(1), owner, leaseTtl, clock));
    }

    /** @param m a session monitor @return it, as the suite drives it */
    static Monitor adapt(SessionMonitor m) {
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
