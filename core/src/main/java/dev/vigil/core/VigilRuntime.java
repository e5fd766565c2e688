package dev.vigil.core;

import dev.vigil.core.backfill.BackfillService;
import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.engine.internal.ActiveScorer;
import dev.vigil.core.engine.internal.MonitoringEngine;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.engine.internal.TraceBatchScorer;
import dev.vigil.core.evaluate.Evaluator;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.metrics.EngineStats;
import dev.vigil.core.notify.AlertOutbox;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerLevel;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.core.session.SessionMonitor;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The parts of a {@link Vigil} and their lifecycle: the store, the scorer runner they all share, the monitoring
 * engine and the batch scorer (one set of scorer states), backfill, the session monitor, evaluation, the budget
 * alert outbox, and the scorer registry of each experiment (whose writes refresh the engine at once). Built from the
 * builder's {@link VigilSettings}; the budget and alert wiring is {@link VigilWiring}'s. Thread-safe.
 */
final class VigilRuntime {

    final Store store;
    private final boolean ownsStore;
    final Clock clock;
    final EngineOptions options;
    final Sampler sampler;
    final EngineStats stats = new EngineStats();
    private final ScorerRunner runner;
    final MonitoringEngine engine;
    final TraceBatchScorer batchScorer;
    final BackfillService backfills;
    final Evaluator evaluator;
    final SessionMonitor sessions;
    private final Map<String, ScorerRegistry> registries = new ConcurrentHashMap<>();
    private final int maxActiveScorers;
    /** Budget alerts recorded before they are sent (null if the store keeps no outbox). */
    private final AlertOutbox alertOutbox;
    private final Duration alertOutboxEvery;

    VigilRuntime(VigilSettings s) {
        this.clock = s.clock;
        this.ownsStore = s.storeInstance == null;
        this.store = s.storeInstance != null ? s.storeInstance : Stores.open(s.storeUri, StoreOptions.withClock(clock));
        this.options = s.options.build();
        this.sampler = s.sampler;
        this.maxActiveScorers = s.maxActiveScorers;
        EngineMetrics metrics = s.metrics == null ? stats : EngineMetrics.composite(stats, s.metrics);
        this.runner = new ScorerRunner(options.retry(), options.providerLimits(), options.defaultProviderLimit(),
                s.pauser, s.ticker, () -> ThreadLocalRandom.current().nextDouble());
        this.alertOutbox = VigilWiring.alertOutbox(s, store);
        this.alertOutboxEvery = s.alertOutboxEvery;
        VigilWiring.guardBudgets(runner, s, store, options, alertOutbox);
        this.engine = new MonitoringEngine(store, this::activeScorers, sampler::keep, options, runner, metrics, clock,
                s.ticker);
        // the batch scorer shares the engine's scorer states (pauses) and run statistics (scorer health)
        this.batchScorer = new TraceBatchScorer(engine, sampler::keep, runner, metrics, clock);
        Deferrals deferrals = new Deferrals(options.retryFirstDelay(), options.retryMaxDelay());
        this.backfills = new BackfillService(store, this::registry, sampler::keep, runner, metrics, clock,
                options.engineId(), options.leaseTtl(), options.scorerTimeout(), s.backfillPageSize,
                s.backfillParallelism, deferrals, s.backfillDeferredRetries);
        this.sessions = new SessionMonitor(store, this::registry, runner, metrics, options.scorerTimeout(),
                VigilWiring.sessionOptions(s.sessionIdle, sampler), s.sessionPassInterval, options.engineId(),
                options.leaseTtl(), clock);
        this.evaluator = new Evaluator(runner, options.scorerTimeout(), s.backfillParallelism, deferrals, s.pauser,
                s.evaluateDeferredRounds);
    }

    /** @return the experiment's scorer registry, made on first use; its writes refresh this engine's scorers */
    ScorerRegistry registry(String experimentId) {
        return registries.computeIfAbsent(experimentId, id -> {
            ScorerRegistry r = ScorerRegistry.builder(store.scorers(), id).clock(clock).maxActive(maxActiveScorers)
                    .build();
            // stop / delete / start through this process take effect at once
            r.addListener(() -> {
                engine.refreshScorers(id);
                batchScorer.refreshScorers(id);
            });
            return r;
        });
    }

    private List<ActiveScorer> activeScorers(String experimentId) {
        // session scorers are run by the session monitor on whole sessions, never on single traces
        List<RegisteredScorer> active = registry(experimentId).active(ScorerLevel.TRACE);
        List<ActiveScorer> out = new ArrayList<>(active.size());
        for (RegisteredScorer r : active) {
            out.add(new ActiveScorer(experimentId, r.name(), r.version(), r.scorer(), r.sampling(), r.filter()));
        }
        return out;
    }

    /** Starts the tail loop, the session loop, the abandoned-backfill watch and the alert outbox. Idempotent. */
    void start() {
        engine.start();
        sessions.start();
        backfills.watchAbandoned();
        if (alertOutbox != null) {
            alertOutbox.start(alertOutboxEvery); // alerts an engine recorded but did not send before it stopped
        }
    }

    /**
     * @param timeout the longest wait
     * @return true once the engine has read every trace and stored (or deferred) every run, false if the timeout
     *     passed first
     * @throws IllegalStateException if the engine is not running
     */
    boolean awaitIdle(Duration timeout) {
        if (!engine.isRunning()) {
            throw new IllegalStateException("monitoring is not running; call startMonitoring() first");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (engine.isIdle()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            engine.wakeUp();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * @param partitions the new count
     * @return the previous count
     * @throws IllegalStateException if this engine runs or another holds a partition
     */
    int changePartitionCount(int partitions) {
        if (engine.isRunning()) {
            throw new IllegalStateException("stop monitoring before changing the partition count");
        }
        return MonitoringEngine.changePartitionCount(store, partitions, options.engineId() + "-repartition");
    }

    /** Stops every loop (draining the runs in flight), then closes the runner and the store if it opened it. */
    void close() {
        if (alertOutbox != null) {
            alertOutbox.close();
        }
        sessions.close();
        engine.close();
        batchScorer.close();
        backfills.close();
        runner.close();
        if (ownsStore) {
            store.close();
        }
    }
}
