package dev.vigil.core;

import dev.vigil.core.backfill.BackfillService;
import dev.vigil.core.budget.BudgetAlert;
import dev.vigil.core.engine.BatchScorer;
import dev.vigil.core.engine.Engine;
import dev.vigil.core.engine.Pauser;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.evaluate.Evaluator;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.metrics.EngineStats;
import dev.vigil.core.notify.AlertOutbox;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.core.session.SessionMonitor;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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

    private final VigilRuntime parts;
    private final Map<String, ExperimentHandle> experiments = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private Vigil(VigilRuntime parts) {
        this.parts = parts;
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
            Experiment e = parts.store.experiments().getOrCreate(n);
            return new ExperimentHandle(this, e, parts.registry(e.experimentId()));
        });
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
        parts.start();
        return this;
    }

    /** @return true while monitoring */
    public boolean isMonitoring() {
        return parts.engine.isRunning();
    }

    /** @return the engine's counters now */
    public EngineStats.Snapshot stats() {
        return parts.stats.snapshot();
    }

    /**
     * @param experimentId an experiment id
     * @return the engine's counters for that experiment's traces and scorers (see {@link EngineStats#snapshot(String)})
     */
    public EngineStats.Snapshot stats(String experimentId) {
        return parts.stats.snapshot(experimentId);
    }

    /** @return the tail loop's health: whether it is failing now, and how often it failed */
    public EngineStats.LoopHealth loopHealth() {
        return parts.stats.loopHealth();
    }

    /** @return rows the store could not read and skipped since it was opened (see {@link Store#skippedRows()}) */
    public long skippedRows() {
        return parts.store.skippedRows();
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
        return ScorerHealthReport.of(parts.engine, parts.registry(experimentId), parts.store);
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
        return parts.awaitIdle(timeout);
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
        return parts.changePartitionCount(partitions);
    }

    /**
     * The session-level half of monitoring: started and stopped with {@link #startMonitoring()} and
     * {@link #close()}; {@link SessionMonitor#runOnce()} runs a pass now.
     *
     * @return the session monitor
     */
    public SessionMonitor sessions() {
        return parts.sessions;
    }

    /** @return the monitoring engine (statuses, lag, partitions) */
    public Engine engine() {
        return parts.engine;
    }

    /**
     * The scorer for traces from an external source (the Kafka module) instead of the store tail: use it in
     * place of {@link #startMonitoring()}, not beside it.
     *
     * @return the batch scorer sharing this instance's scorers, runner and metrics
     */
    public BatchScorer batchScorer() {
        return parts.batchScorer;
    }

    /** @return the backfill service */
    public BackfillService backfills() {
        return parts.backfills;
    }

    /** @return the store */
    public Store store() {
        return parts.store;
    }

    Evaluator evaluator() {
        return parts.evaluator;
    }

    Clock clock() {
        return parts.clock;
    }

    Sampler sampler() {
        return parts.sampler;
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
        parts.close();
    }

    /** Builds a {@link Vigil}; each setter validates on the spot, {@link #build()} checks the whole. */
    public static final class Builder {
        private final VigilSettings s = new VigilSettings();

        private Builder() {}

        /**
         * @param v how long a session must have had no activity before its session scorers score it (MLflow: 5
         *     minutes, the default); 0 or more. Sessions with a trace in the last day (or twice this period, if
         *     longer) are looked at
         * @return this
         */
        public Builder sessionIdle(Duration v) {
            s.sessionIdle(v);
            return this;
        }

        /**
         * @param v how often the session monitor looks for idle sessions to score (default 1 minute, at least 1
         *     second)
         * @return this
         */
        public Builder sessionPassInterval(Duration v) {
            s.sessionPassInterval(v);
            return this;
        }

        /** @param uri a store URI: {@code memory:}, {@code jdbc:h2:file:./vigil}, {@code fs:/var/vigil}... @return this */
        public Builder store(String uri) {
            s.store(uri);
            return this;
        }

        /** @param store an open store (not closed by {@link Vigil#close()}) @return this */
        public Builder store(Store store) {
            s.store(store);
            return this;
        }

        /** @param v the clock for assessment times, settle delay and the store's times @return this */
        public Builder clock(Clock v) {
            s.clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** @param v nanosecond ticker for timeouts, back-off and durations @return this */
        public Builder ticker(LongSupplier v) {
            s.ticker = Objects.requireNonNull(v, "ticker");
            return this;
        }

        /** @param v how retries wait (tests: record and return) @return this */
        public Builder pauser(Pauser v) {
            s.pauser = Objects.requireNonNull(v, "pauser");
            return this;
        }

        /** @param v the sampler (default: nested, default seed) @return this */
        public Builder sampler(Sampler v) {
            s.sampler = Objects.requireNonNull(v, "sampler");
            return this;
        }

        /** @param v extra metrics, e.g. {@code MicrometerMetrics.of(registry)} @return this */
        public Builder metrics(EngineMetrics v) {
            s.metrics = Objects.requireNonNull(v, "metrics");
            return this;
        }

        /** @param v a unique id of this engine among those sharing the store @return this */
        public Builder engineId(String v) {
            s.options.engineId(v);
            return this;
        }

        /** @param v partitions of the trace stream (same value in every engine sharing a store) @return this */
        public Builder partitions(int v) {
            s.options.partitions(v);
            return this;
        }

        /** @param v lease time to live @return this */
        public Builder leaseTtl(Duration v) {
            s.options.leaseTtl(v);
            return this;
        }

        /** @param v how long after completion a trace is scored @return this */
        public Builder settleDelay(Duration v) {
            s.options.settleDelay(v);
            return this;
        }

        /** @param v store poll interval @return this */
        public Builder pollInterval(Duration v) {
            s.options.pollInterval(v);
            return this;
        }

        /** @param v arrivals read per poll @return this */
        public Builder batchSize(int v) {
            s.options.batchSize(v);
            return this;
        }

        /** @param v bound on scorer runs in flight @return this */
        public Builder maxInFlight(int v) {
            s.options.maxInFlight(v);
            return this;
        }

        /** @param v threads for CPU-bound scorers @return this */
        public Builder cpuThreads(int v) {
            s.options.cpuThreads(v);
            return this;
        }

        /** @param v per-attempt scorer timeout @return this */
        public Builder scorerTimeout(Duration v) {
            s.options.scorerTimeout(v);
            return this;
        }

        /** @param v retry policy @return this */
        public Builder retry(RetryPolicy v) {
            s.options.retry(v);
            return this;
        }

        /** @param provider e.g. {@code openai} @param v its limits @return this */
        public Builder providerLimit(String provider, ProviderLimit v) {
            s.options.providerLimit(provider, v);
            return this;
        }

        /** @param v limits for other providers @return this */
        public Builder defaultProviderLimit(ProviderLimit v) {
            s.options.defaultProviderLimit(v);
            return this;
        }

        /** @param v consecutive auth failures before a scorer is paused @return this */
        public Builder authFailuresBeforePause(int v) {
            s.options.authFailuresBeforePause(v);
            return this;
        }

        /** @param v how often scorers changed by other processes are re-read @return this */
        public Builder scorerRefresh(Duration v) {
            s.options.scorerRefresh(v);
            return this;
        }

        /** @param v how long close() waits for work in flight @return this */
        public Builder drainTimeout(Duration v) {
            s.options.drainTimeout(v);
            return this;
        }

        /**
         * @param v how long a pair deferred after a transient failure waits before its first later attempt
         *     (doubled per further failure; default 30 s)
         * @return this
         */
        public Builder retryFirstDelay(Duration v) {
            s.options.retryFirstDelay(v);
            return this;
        }

        /** @param v the longest wait between later attempts of a deferred pair (default 1 h) @return this */
        public Builder retryMaxDelay(Duration v) {
            s.options.retryMaxDelay(v);
            return this;
        }

        /**
         * @param v the outbox budget alerts are recorded in and sent from, drained while monitoring and closed with
         *     this Vigil (by default one on this store, sending through the notifiers found by ServiceLoader; none
         *     when {@link #budgetAlerts} is given without it)
         * @return this
         */
        public Builder alertOutbox(AlertOutbox v) {
            s.alertOutbox = Objects.requireNonNull(v, "alertOutbox");
            return this;
        }

        /**
         * @param v how often the monitoring engine sends alerts left pending in the store's outbox (by an engine
         *     that stopped before sending them); also once when monitoring starts (default 30 s, at least 1 s)
         * @return this
         */
        public Builder alertOutboxEvery(Duration v) {
            s.alertOutboxEvery(v);
            return this;
        }

        /**
         * @param v where budgets' alerts go; called before the store's alert mark is raised, so a durable sink
         *     gives at-least-once delivery (by default recorded in the store's outbox, logged and sent to each
         *     budget's destinations through the notifiers found by ServiceLoader:
         *     {@link dev.vigil.core.budget.BudgetNotifications})
         * @return this
         */
        public Builder budgetAlerts(Consumer<BudgetAlert> v) {
            s.budgetAlerts = Objects.requireNonNull(v, "budgetAlerts");
            return this;
        }

        /**
         * @param v the server's base URL, for links in budget notifications (none by default)
         * @return this
         */
        public Builder dashboardUrl(String v) {
            s.dashboardUrl(v);
            return this;
        }

        /** @param v traces per backfill page (and checkpoint), 1–10000 @return this */
        public Builder backfillPageSize(int v) {
            s.backfillPageSize(v);
            return this;
        }

        /**
         * @param v later attempts a backfill job makes of a pair deferred after a transient failure (with the
         *     {@code retryFirstDelay}/{@code retryMaxDelay} back-off) before it gives the pair up and stores the
         *     failure as error feedback; 1 or more, default 8
         * @return this
         */
        public Builder backfillDeferredRetries(int v) {
            s.backfillDeferredRetries(v);
            return this;
        }

        /** @param v scorer runs at once in a backfill page or an evaluation, 1 or more @return this */
        public Builder backfillParallelism(int v) {
            s.backfillParallelism(v);
            return this;
        }

        /**
         * @param v later rounds {@code evaluate} gives a pair whose run failed transiently (rate limit, overload,
         *     timeout, connection, auth), each after the retry queue's back-off ({@code retryFirstDelay}, doubled
         *     per round); 0 or more, default 2
         * @return this
         */
        public Builder evaluateDeferredRounds(int v) {
            s.evaluateDeferredRounds(v);
            return this;
        }

        /** @param v active scorers allowed per experiment (MLflow: 20) @return this */
        public Builder maxActiveScorers(int v) {
            s.maxActiveScorers(v);
            return this;
        }

        /**
         * @return the Vigil, its store open, not yet monitoring
         * @throws InvalidInputException if no store was set or the options conflict
         */
        public Vigil build() {
            s.validate(); // before opening anything
            return new Vigil(new VigilRuntime(s));
        }
    }
}
