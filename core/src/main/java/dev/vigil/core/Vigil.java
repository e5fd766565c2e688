package dev.vigil.core;

import dev.vigil.core.backfill.BackfillService;
import dev.vigil.core.engine.ActiveScorer;
import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.engine.MonitoringEngine;
import dev.vigil.core.engine.Pauser;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.ScorerRunner;
import dev.vigil.core.engine.TraceBatchScorer;
import dev.vigil.core.evaluate.Evaluator;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.metrics.EngineStats;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Vigil embedded in an application: a store, the monitoring engine, backfill and evaluation.
 *
 * <pre>{@code
 * try (Vigil vigil = Vigil.builder().store("jdbc:h2:file:./vigil-data/vigil").build()) {
 *     ExperimentHandle app = vigil.experiment("checkout-assistant");
 *     app.scorers().register(Scorers.code("concise", in -> in.outputText().length() < 500))
 *        .start(SamplingConfig.of(0.1));
 *     vigil.startMonitoring();
 *     app.log(trace);                       // stored durably, then scored in the background
 * }                                         // close() drains the scorer runs in flight
 * }</pre>
 *
 * <p>Thread-safe. One {@code Vigil} per store per process; several processes (each with its own engine id) may
 * share one store: the partitions of the trace stream are spread between their engines by leases.
 */
public final class Vigil implements AutoCloseable {

    private final Store store;
    private final boolean ownsStore;
    private final Clock clock;
    private final EngineOptions options;
    private final Sampler sampler;
    private final EngineStats stats = new EngineStats();
    private final EngineMetrics metrics;
    private final ScorerRunner runner;
    private final MonitoringEngine engine;
    private final TraceBatchScorer batchScorer;
    private final BackfillService backfills;
    private final Evaluator evaluator;
    private final Map<String, ScorerRegistry> registries = new ConcurrentHashMap<>();
    private final Map<String, ExperimentHandle> experiments = new ConcurrentHashMap<>();
    private final int maxActiveScorers;
    private volatile boolean closed;

    private Vigil(Builder b) {
        this.clock = b.clock;
        this.ownsStore = b.storeInstance == null;
        this.store = b.storeInstance != null ? b.storeInstance : Stores.open(b.storeUri, StoreOptions.withClock(clock));
        this.options = b.options.build();
        this.sampler = b.sampler;
        this.maxActiveScorers = b.maxActiveScorers;
        this.metrics = b.metrics == null ? stats : EngineMetrics.composite(stats, b.metrics);
        this.runner = new ScorerRunner(options.retry(), options.providerLimits(), options.defaultProviderLimit(),
                b.pauser, b.ticker, () -> ThreadLocalRandom.current().nextDouble());
        this.engine = new MonitoringEngine(store, this::activeScorers, sampler::keep, options, runner, metrics, clock,
                b.ticker);
        this.batchScorer = new TraceBatchScorer(store, this::activeScorers, sampler::keep, options, runner, metrics,
                clock, b.ticker);
        this.backfills = new BackfillService(store, this::registry, sampler::keep, runner, metrics, clock,
                options.engineId(), options.leaseTtl(), options.scorerTimeout(), b.backfillPageSize,
                b.backfillParallelism);
        this.evaluator = new Evaluator(runner, options.scorerTimeout(), b.backfillParallelism);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The experiment with this name, created if the store has none.
     *
     * @param name the experiment name
     * @return its handle: scorer registry, trace logger, queries, backfill, evaluation
     */
    public ExperimentHandle experiment(String name) {
        requireOpen();
        Experiment.validateName(name);
        return experiments.computeIfAbsent(name, n -> {
            Experiment e = store.experiments().getOrCreate(n);
            return new ExperimentHandle(this, e, registry(e.experimentId()));
        });
    }

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
        List<RegisteredScorer> active = registry(experimentId).active();
        List<ActiveScorer> out = new ArrayList<>(active.size());
        for (RegisteredScorer r : active) {
            out.add(new ActiveScorer(experimentId, r.name(), r.version(), r.scorer(), r.sampling(), r.filter()));
        }
        return out;
    }

    /**
     * Starts the monitoring engine (tailing the store in the background) and resumes abandoned backfills (now and
     * whenever another engine's lease on one expires).
     * Idempotent.
     *
     * @return this
     */
    public Vigil startMonitoring() {
        requireOpen();
        engine.start();
        backfills.watchAbandoned();
        return this;
    }

    /** @return true while monitoring */
    public boolean isMonitoring() {
        return engine.isRunning();
    }

    /** @return the engine's counters now */
    public EngineStats.Snapshot stats() {
        return stats.snapshot();
    }

    /** @return the tail loop's health: whether it is failing now, and how often it failed */
    public EngineStats.LoopHealth loopHealth() {
        return stats.loopHealth();
    }

    /** @return rows the store could not read and skipped since it was opened (see {@link Store#skippedRows()}) */
    public long skippedRows() {
        return store.skippedRows();
    }

    /** @return the monitoring engine (statuses, lag, partitions) */
    public MonitoringEngine engine() {
        return engine;
    }

    /**
     * The scorer for traces from an external source (the Kafka module) instead of the store tail: use it in
     * place of {@link #startMonitoring()}, not beside it.
     *
     * @return the batch scorer sharing this instance's scorers, runner and metrics
     */
    public TraceBatchScorer batchScorer() {
        return batchScorer;
    }

    /** @return the backfill service */
    public BackfillService backfills() {
        return backfills;
    }

    /** @return the store */
    public Store store() {
        return store;
    }

    Evaluator evaluator() {
        return evaluator;
    }

    Clock clock() {
        return clock;
    }

    Sampler sampler() {
        return sampler;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this Vigil was closed");
        }
    }

    /**
     * Stops monitoring after draining the scorer runs in flight (up to the drain timeout), leaves running
     * backfills to be resumed, and closes the store if this {@code Vigil} opened it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.close();
        batchScorer.close();
        backfills.close();
        runner.close();
        if (ownsStore) {
            store.close();
        }
    }

    /** Builds a {@link Vigil}; each setter validates on the spot, {@link #build()} checks the whole. */
    public static final class Builder {
        private String storeUri;
        private Store storeInstance;
        private Clock clock = Clock.systemUTC();
        private LongSupplier ticker = System::nanoTime;
        private Pauser pauser = Pauser.SLEEP;
        private Sampler sampler = Sampler.defaultSampler();
        private EngineMetrics metrics;
        private final EngineOptions.Builder options = EngineOptions.builder();
        private int backfillPageSize = 1_000;
        private int backfillParallelism = 16;
        private int maxActiveScorers = ScorerRegistry.DEFAULT_MAX_ACTIVE;

        private Builder() {}

        /** @param uri a store URI: {@code memory:}, {@code jdbc:h2:file:./vigil}, {@code fs:/var/vigil}... @return this */
        public Builder store(String uri) {
            if (uri == null || uri.isBlank()) {
                throw new InvalidInputException("store URI must be non-blank, e.g. memory: or jdbc:h2:file:./vigil");
            }
            if (storeInstance != null) {
                throw new InvalidInputException("a store instance was set already; set either a URI or a store");
            }
            storeUri = uri;
            return this;
        }

        /** @param store an open store (not closed by {@link Vigil#close()}) @return this */
        public Builder store(Store store) {
            Objects.requireNonNull(store, "store");
            if (storeUri != null) {
                throw new InvalidInputException("a store URI was set already (" + storeUri
                        + "); set either a URI or a store");
            }
            storeInstance = store;
            return this;
        }

        /** @param v the clock for assessment times, settle delay and the store's times @return this */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** @param v nanosecond ticker for timeouts, back-off and durations @return this */
        public Builder ticker(LongSupplier v) {
            ticker = Objects.requireNonNull(v, "ticker");
            return this;
        }

        /** @param v how retries wait (tests: record and return) @return this */
        public Builder pauser(Pauser v) {
            pauser = Objects.requireNonNull(v, "pauser");
            return this;
        }

        /** @param v the sampler (default: nested, default seed) @return this */
        public Builder sampler(Sampler v) {
            sampler = Objects.requireNonNull(v, "sampler");
            return this;
        }

        /** @param v extra metrics, e.g. {@code MicrometerMetrics.of(registry)} @return this */
        public Builder metrics(EngineMetrics v) {
            metrics = Objects.requireNonNull(v, "metrics");
            return this;
        }

        /** @param v a unique id of this engine among those sharing the store @return this */
        public Builder engineId(String v) {
            options.engineId(v);
            return this;
        }

        /** @param v partitions of the trace stream (same value in every engine sharing a store) @return this */
        public Builder partitions(int v) {
            options.partitions(v);
            return this;
        }

        /** @param v lease time to live @return this */
        public Builder leaseTtl(Duration v) {
            options.leaseTtl(v);
            return this;
        }

        /** @param v how long after completion a trace is scored @return this */
        public Builder settleDelay(Duration v) {
            options.settleDelay(v);
            return this;
        }

        /** @param v store poll interval @return this */
        public Builder pollInterval(Duration v) {
            options.pollInterval(v);
            return this;
        }

        /** @param v arrivals read per poll @return this */
        public Builder batchSize(int v) {
            options.batchSize(v);
            return this;
        }

        /** @param v bound on scorer runs in flight @return this */
        public Builder maxInFlight(int v) {
            options.maxInFlight(v);
            return this;
        }

        /** @param v threads for CPU-bound scorers @return this */
        public Builder cpuThreads(int v) {
            options.cpuThreads(v);
            return this;
        }

        /** @param v per-attempt scorer timeout @return this */
        public Builder scorerTimeout(Duration v) {
            options.scorerTimeout(v);
            return this;
        }

        /** @param v retry policy @return this */
        public Builder retry(RetryPolicy v) {
            options.retry(v);
            return this;
        }

        /** @param provider e.g. {@code openai} @param v its limits @return this */
        public Builder providerLimit(String provider, ProviderLimit v) {
            options.providerLimit(provider, v);
            return this;
        }

        /** @param v limits for other providers @return this */
        public Builder defaultProviderLimit(ProviderLimit v) {
            options.defaultProviderLimit(v);
            return this;
        }

        /** @param v consecutive auth failures before a scorer is paused @return this */
        public Builder authFailuresBeforePause(int v) {
            options.authFailuresBeforePause(v);
            return this;
        }

        /** @param v how often scorers changed by other processes are re-read @return this */
        public Builder scorerRefresh(Duration v) {
            options.scorerRefresh(v);
            return this;
        }

        /** @param v how long close() waits for work in flight @return this */
        public Builder drainTimeout(Duration v) {
            options.drainTimeout(v);
            return this;
        }

        /** @param v traces per backfill page (and checkpoint), 1–10000 @return this */
        public Builder backfillPageSize(int v) {
            if (v < 1 || v > 10_000) {
                throw new InvalidInputException("backfillPageSize must be in 1..10000, got " + v);
            }
            backfillPageSize = v;
            return this;
        }

        /** @param v scorer runs at once in a backfill page or an evaluation, 1 or more @return this */
        public Builder backfillParallelism(int v) {
            if (v < 1) {
                throw new InvalidInputException("backfillParallelism must be 1 or more, got " + v);
            }
            backfillParallelism = v;
            return this;
        }

        /** @param v active scorers allowed per experiment (MLflow: 20) @return this */
        public Builder maxActiveScorers(int v) {
            if (v < 1) {
                throw new InvalidInputException("maxActiveScorers must be 1 or more, got " + v);
            }
            maxActiveScorers = v;
            return this;
        }

        /**
         * @return the Vigil, its store open, not yet monitoring
         * @throws InvalidInputException if no store was set or the options conflict
         */
        public Vigil build() {
            if (storeUri == null && storeInstance == null) {
                throw new InvalidInputException("Vigil needs a store: call store(\"memory:\") or a durable one, e.g."
                        + " store(\"jdbc:h2:file:./vigil-data/vigil\")");
            }
            options.build(); // cross-field checks before opening anything
            return new Vigil(this);
        }
    }
}
