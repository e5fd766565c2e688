package dev.vigil.core;

import dev.vigil.core.backfill.BackfillService;
import dev.vigil.core.engine.internal.ActiveScorer;
import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.engine.Engine;
import dev.vigil.core.engine.internal.MonitoringEngine;
import dev.vigil.core.engine.Pauser;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.RunStats;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.ScorerStatus;
import dev.vigil.core.engine.internal.Unavailable;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.engine.BatchScorer;
import dev.vigil.core.engine.internal.TraceBatchScorer;
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
    private final dev.vigil.core.session.SessionMonitor sessions;
    private final Map<String, ScorerRegistry> registries = new ConcurrentHashMap<>();
    private final Map<String, ExperimentHandle> experiments = new ConcurrentHashMap<>();
    private final int maxActiveScorers;
    /** Budget alerts recorded before they are sent (null if the store keeps no outbox). */
    private final dev.vigil.core.notify.AlertOutbox alertOutbox;
    private final Duration alertOutboxEvery;
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
        this.alertOutbox = b.alertOutbox != null ? b.alertOutbox
                : b.budgetAlerts == null && keepsBudgets(store) && dev.vigil.core.notify.AlertOutbox.supported(store)
                        ? alertOutbox(store, clock, b.dashboardUrl) : null;
        this.alertOutboxEvery = b.alertOutboxEvery;
        if (keepsBudgets(store)) {
            java.time.Duration ttl = options.scorerTimeout().multipliedBy(3);
            runner.guardCalls(new dev.vigil.core.budget.BudgetGuard(store.budgets(), clock,
                    b.budgetAlerts != null ? b.budgetAlerts : alertOutbox != null
                            ? dev.vigil.core.budget.BudgetNotifications.async(alertOutbox)
                            : dev.vigil.core.budget.BudgetGuard.logAlerts(),
                    ttl.compareTo(dev.vigil.core.budget.BudgetGuard.DEFAULT_RESERVATION_TTL) > 0 ? ttl
                            : dev.vigil.core.budget.BudgetGuard.DEFAULT_RESERVATION_TTL));
        }
        this.engine = new MonitoringEngine(store, this::activeScorers, sampler::keep, options, runner, metrics, clock,
                b.ticker);
        // the batch scorer shares the engine's scorer states (pauses) and run statistics (scorer health)
        this.batchScorer = new TraceBatchScorer(engine, sampler::keep, runner, metrics, clock);
        Deferrals deferrals = new Deferrals(options.retryFirstDelay(), options.retryMaxDelay());
        this.backfills = new BackfillService(store, this::registry, sampler::keep, runner, metrics, clock,
                options.engineId(), options.leaseTtl(), options.scorerTimeout(), b.backfillPageSize,
                b.backfillParallelism, deferrals, b.backfillDeferredRetries);
        this.sessions = new dev.vigil.core.session.SessionMonitor(store, this::registry, runner, metrics,
                options.scorerTimeout(), sessionOptions(b.sessionIdle, sampler), b.sessionPassInterval, options.engineId(), options.leaseTtl(), clock);
        this.evaluator = new Evaluator(runner, options.scorerTimeout(), b.backfillParallelism, deferrals, b.pauser,
                b.evaluateDeferredRounds);
    }

    /**
     * The outbox of alerts, sent through the notifiers found by ServiceLoader; undeliverable ones kept as dead
     * letters.
     */
    private static dev.vigil.core.notify.AlertOutbox alertOutbox(Store store, Clock clock, String dashboardUrl) {
        java.util.function.Consumer<dev.vigil.spi.notify.NotifierContext.DeadLetter> dead;
        try {
            dead = new dev.vigil.core.notify.DurableDeadLetters(store.jobs(), clock);
        } catch (UnsupportedOperationException e) {
            dead = d -> { };
        }
        return new dev.vigil.core.notify.AlertOutbox(store, dev.vigil.core.monitor.NotificationDispatcher.loaded(
                new dev.vigil.spi.notify.NotifierContext(clock, d -> Thread.sleep(d.toMillis()),
                        java.util.Optional.ofNullable(dashboardUrl), dead)), clock,
                dev.vigil.core.notify.AlertOutbox.DEFAULT_LEASE);
    }

    /** The session loop's options: a lookback of a day, or twice the idle period if that is longer. */
    private static dev.vigil.core.session.SessionOptions sessionOptions(Duration idle, Sampler sampler) {
        dev.vigil.core.session.SessionOptions d = dev.vigil.core.session.SessionOptions.defaults();
        Duration lookback = idle.multipliedBy(2).compareTo(d.lookback()) > 0 ? idle.multipliedBy(2) : d.lookback();
        return new dev.vigil.core.session.SessionOptions(idle, lookback, sampler, d.pageSize());
    }

    private static boolean keepsBudgets(Store store) {
        try {
            return store.budgets() != null;
        } catch (UnsupportedOperationException e) {
            return false;
        }
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
        // session scorers are run by the session monitor on whole sessions, never on single traces
        List<RegisteredScorer> active = registry(experimentId).active(dev.vigil.core.registry.ScorerLevel.TRACE);
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
        sessions.start();
        backfills.watchAbandoned();
        if (alertOutbox != null) {
            alertOutbox.start(alertOutboxEvery); // alerts an engine recorded but did not send before it stopped
        }
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

    /**
     * @param experimentId an experiment id
     * @return the engine's counters for that experiment's traces and scorers (see {@link EngineStats#snapshot(String)})
     */
    public EngineStats.Snapshot stats(String experimentId) {
        return stats.snapshot(experimentId);
    }

    /** @return the tail loop's health: whether it is failing now, and how often it failed */
    public EngineStats.LoopHealth loopHealth() {
        return stats.loopHealth();
    }

    /** @return rows the store could not read and skipped since it was opened (see {@link Store#skippedRows()}) */
    public long skippedRows() {
        return store.skippedRows();
    }

    /**
     * The health of each active scorer version of an experiment in this process: the engine's run state (paused
     * after authentication failures, unavailable when this process cannot build it, quarantined by the Python
     * sandbox), its last success and last error with the kind, failures per kind, pairs pending in the store's
     * retry queue, and trace-completion-to-assessment latency.
     *
     * @param experimentId the experiment id
     * @return one entry per active scorer version, by name
     */
    public List<ScorerHealth> scorerHealth(String experimentId) {
        requireOpen();
        Map<ScorerKey, RunStats> stats = engine.runStats();
        Map<ScorerKey, ScorerStatus> statuses = engine.statuses();
        List<ScorerHealth> out = new ArrayList<>();
        for (RegisteredScorer r : registry(experimentId).active()) {
            ScorerKey key = new ScorerKey(experimentId, r.name(), r.version());
            RunStats rs = stats.get(key);
            ScorerStatus st = statuses.get(key);
            ScorerHealth.State state = ScorerHealth.State.RUNNING;
            String reason = null;
            if (st != null && st.state() == ScorerStatus.State.PAUSED) {
                state = ScorerHealth.State.PAUSED;
                reason = st.reason();
            } else if (r.scorer() instanceof Unavailable u) {
                state = ScorerHealth.State.UNAVAILABLE;
                reason = "this process cannot build the scorer (" + u.unavailableReason()
                        + "); its traces wait for a process that can";
            } else if (rs != null && "QUARANTINED".equals(rs.lastErrorCode()) && (rs.lastSuccessAt() == null
                    || rs.lastErrorAt().isAfter(rs.lastSuccessAt()))) {
                state = ScorerHealth.State.QUARANTINED;
                reason = rs.lastErrorMessage();
            }
            long pending;
            try {
                pending = store.retries().count(experimentId, r.name(), r.version());
            } catch (UnsupportedOperationException e) {
                pending = 0;
            }
            out.add(rs == null
                    ? new ScorerHealth(experimentId, r.name(), r.version(), state, reason, null, null, null, null,
                            Map.of(), 0, pending, null, null)
                    : new ScorerHealth(experimentId, r.name(), r.version(), state, reason, rs.lastSuccessAt(),
                            rs.lastErrorAt(), rs.lastErrorKind(), rs.lastErrorMessage(), rs.failuresByKind(),
                            rs.scorerErrors(), pending, rs.latencyP50(), rs.latencyP99()));
        }
        out.sort(java.util.Comparator.comparing(ScorerHealth::name));
        return out;
    }

    /**
     * Waits until the monitoring engine has caught up: every trace in the store read, every scorer run stored (or
     * deferred to the retry queue). For tests and batch jobs.
     *
     * @param timeout the longest wait
     * @return true if idle, false if the timeout passed first
     * @throws IllegalStateException if monitoring was not started
     */
    public boolean awaitIdle(Duration timeout) {
        requireOpen();
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
     * Changes the number of partitions the store's trace stream is split into, carrying the cursors over (no
     * re-scoring). Every engine on the store must be stopped, this one included.
     *
     * @param partitions the new count
     * @return the previous count
     * @throws IllegalStateException if monitoring runs or another engine holds a partition
     */
    public int changePartitionCount(int partitions) {
        requireOpen();
        if (engine.isRunning()) {
            throw new IllegalStateException("stop monitoring before changing the partition count");
        }
        return MonitoringEngine.changePartitionCount(store, partitions, options.engineId() + "-repartition");
    }

    /**
     * The session-level half of monitoring: started and stopped with {@link #startMonitoring()} and
     * {@link #close()}; {@link dev.vigil.core.session.SessionMonitor#runOnce()} runs a pass now.
     *
     * @return the session monitor
     */
    public dev.vigil.core.session.SessionMonitor sessions() {
        return sessions;
    }

    /** @return the monitoring engine (statuses, lag, partitions) */
    public Engine engine() {
        return engine;
    }

    /**
     * The scorer for traces from an external source (the Kafka module) instead of the store tail: use it in
     * place of {@link #startMonitoring()}, not beside it.
     *
     * @return the batch scorer sharing this instance's scorers, runner and metrics
     */
    public BatchScorer batchScorer() {
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
        private int backfillDeferredRetries = 8;
        private int evaluateDeferredRounds = 2;
        private java.util.function.Consumer<dev.vigil.core.budget.BudgetAlert> budgetAlerts;
        private Duration alertOutboxEvery = dev.vigil.core.notify.AlertOutbox.DEFAULT_EVERY;
        private dev.vigil.core.notify.AlertOutbox alertOutbox;
        private String dashboardUrl;
        private int maxActiveScorers = ScorerRegistry.DEFAULT_MAX_ACTIVE;
        private Duration sessionIdle = dev.vigil.core.session.SessionOptions.DEFAULT_IDLE;
        private Duration sessionPassInterval = dev.vigil.core.session.SessionMonitor.DEFAULT_PASS_INTERVAL;

        private Builder() {}

        /**
         * @param v how long a session must have had no activity before its session scorers score it (MLflow: 5
         *     minutes, the default); 0 or more. Sessions with a trace in the last day (or twice this period, if
         *     longer) are looked at
         * @return this
         */
        public Builder sessionIdle(Duration v) {
            if (v == null || v.isNegative()) {
                throw new InvalidInputException("the session idle period must be 0 or more, got " + v);
            }
            sessionIdle = v;
            return this;
        }

        /**
         * @param v how often the session monitor looks for idle sessions to score (default 1 minute, at least 1
         *     second)
         * @return this
         */
        public Builder sessionPassInterval(Duration v) {
            sessionPassInterval = dev.vigil.core.session.SessionMonitor.checkInterval(v);
            return this;
        }

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

        /**
         * @param v how long a pair deferred after a transient failure waits before its first later attempt
         *     (doubled per further failure; default 30 s)
         * @return this
         */
        public Builder retryFirstDelay(Duration v) {
            options.retryFirstDelay(v);
            return this;
        }

        /** @param v the longest wait between later attempts of a deferred pair (default 1 h) @return this */
        public Builder retryMaxDelay(Duration v) {
            options.retryMaxDelay(v);
            return this;
        }

        /**
         * @param v the outbox budget alerts are recorded in and sent from, drained while monitoring and closed with
         *     this Vigil (by default one on this store, sending through the notifiers found by ServiceLoader; none
         *     when {@link #budgetAlerts} is given without it)
         * @return this
         */
        public Builder alertOutbox(dev.vigil.core.notify.AlertOutbox v) {
            alertOutbox = java.util.Objects.requireNonNull(v, "alertOutbox");
            return this;
        }

        /**
         * @param v how often the monitoring engine sends alerts left pending in the store's outbox (by an engine
         *     that stopped before sending them); also once when monitoring starts (default 30 s, at least 1 s)
         * @return this
         */
        public Builder alertOutboxEvery(Duration v) {
            if (v == null || v.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new InvalidInputException("the alert outbox interval must be 1 second or more, got " + v);
            }
            alertOutboxEvery = v;
            return this;
        }

        /**
         * @param v where budgets' alerts go; called before the store's alert mark is raised, so a durable sink
         *     gives at-least-once delivery (by default recorded in the store's outbox, logged and sent to each
         *     budget's destinations through the notifiers found by ServiceLoader:
         *     {@link dev.vigil.core.budget.BudgetNotifications})
         * @return this
         */
        public Builder budgetAlerts(java.util.function.Consumer<dev.vigil.core.budget.BudgetAlert> v) {
            budgetAlerts = java.util.Objects.requireNonNull(v, "budgetAlerts");
            return this;
        }

        /**
         * @param v the server's base URL, for links in budget notifications (none by default)
         * @return this
         */
        public Builder dashboardUrl(String v) {
            dashboardUrl = v == null || v.isBlank() ? null : v;
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

        /**
         * @param v later attempts a backfill job makes of a pair deferred after a transient failure (with the
         *     {@code retryFirstDelay}/{@code retryMaxDelay} back-off) before it gives the pair up and stores the
         *     failure as error feedback; 1 or more, default 8
         * @return this
         */
        public Builder backfillDeferredRetries(int v) {
            if (v < 1) {
                throw new InvalidInputException("backfillDeferredRetries must be 1 or more, got " + v);
            }
            backfillDeferredRetries = v;
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

        /**
         * @param v later rounds {@code evaluate} gives a pair whose run failed transiently (rate limit, overload,
         *     timeout, connection, auth), each after the retry queue's back-off ({@code retryFirstDelay}, doubled
         *     per round); 0 or more, default 2
         * @return this
         */
        public Builder evaluateDeferredRounds(int v) {
            if (v < 0) {
                throw new InvalidInputException("evaluateDeferredRounds must be 0 or more, got " + v);
            }
            evaluateDeferredRounds = v;
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
