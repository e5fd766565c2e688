package dev.vigil.core.conformance;

import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.core.session.SessionMonitor;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.testkit.session.SessionMonitorConformanceSuite;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link SessionMonitorConformanceSuite} with its engine side filled in once, by vigil-core: scorers registered and
 * stopped through {@link ScorerRegistry}, and each engine's monitor a {@link SessionMonitor} with its own registry
 * and owner id. The testkit cannot depend on the engine, so this lives in core's test jar ({@code vigil-core},
 * type {@code test-jar}, test scope), outside core's packages so that a store module's tests reach it on the class
 * path while core itself sits on the module path; a store module's {@code module-info} still does not require core.
 *
 * <p>A backend's test extends it and supplies only its store: {@link #openStore}, and as the suite says,
 * {@link #openSharedStore} and {@link #reopenStore} where the backend has them.
 */
public abstract class EngineSessionMonitorSuite extends SessionMonitorConformanceSuite {

    /** The pass interval of the monitors the suite builds. */
    protected static final Duration PASS_INTERVAL = Duration.ofSeconds(1);

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
        return adapt(sessionMonitor(store, owner, scorerTimeout, leaseTtl, clock));
    }

    /**
     * Builds one engine's session monitor: the default scorer runner, a pass interval of 1 second and the default
     * session options. Override it to give the monitor another runner.
     *
     * @param store the store the engine opened
     * @param owner the engine's id, the lease owner
     * @param scorerTimeout the per-attempt scorer timeout
     * @param leaseTtl the experiment lease's time-to-live
     * @param clock the clock idleness and leases are measured with
     * @return the monitor, not started
     */
    protected SessionMonitor sessionMonitor(Store store, String owner, Duration scorerTimeout, Duration leaseTtl,
            Clock clock) {
        return new SessionMonitor(store, id -> ScorerRegistry.of(store, id), scorerTimeout, SessionOptions.defaults(),
                PASS_INTERVAL, owner, leaseTtl, clock);
    }

    private static Monitor adapt(SessionMonitor m) {
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
