package dev.vigil.core.session;

import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerLevel;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session-level half of production monitoring: every {@code passInterval}, for each experiment of the store
 * with active {@linkplain ScorerLevel#SESSION session scorers} in its registry, runs a {@link SessionScoring} pass
 * (sessions idle for the idle period are scored, resumed ones scored again).
 *
 * <p><b>One runner per experiment.</b> A pass over an experiment runs only under the store lease
 * {@value #LEASE_PREFIX}{@code <experimentId>}, renewed before each scorer call; several engines sharing a store
 * never run an experiment's pass at the same time, and one that loses its lease mid-pass stops before its next call.
 * Results are idempotent upserts besides ({@link SessionAssessments}), so a pass taken over after a crash does not
 * duplicate them.
 *
 * <p><b>Failures.</b> Scorers are called through the engine's {@link ScorerRunner} (timeout, immediate retries,
 * provider limits, budgets); transient, authentication and unreadable-answer failures record nothing and are tried
 * on a later pass. A scorer that cannot run here, or a pass that fails (the store), is logged and the loop goes on.
 *
 * <p><b>Metrics.</b> Each finished pass over an experiment is reported to the {@link EngineMetrics} given
 * ({@link EngineMetrics#sessionPass}: pairs scored, failed, deferred); a {@link dev.vigil.core.Vigil} gives its
 * own, so they show in its {@link dev.vigil.core.metrics.EngineStats}. Session backfills are not counted.
 *
 * <p>Thread-safe: passes run one at a time.
 */
public final class SessionMonitor implements AutoCloseable {
    /** The prefix of the lease an experiment's pass runs under. */
    public static final String LEASE_PREFIX = "vigil.sessions/";
    /** The default time between passes. */
    public static final Duration DEFAULT_PASS_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(SessionMonitor.class);

    private final Store store;
    private final Function<String, ScorerRegistry> registries;
    private final SessionCall call;
    private final SessionOptions options;
    private final Duration passInterval;
    private final String owner;
    private final Duration leaseTtl;
    private final Clock clock;
    private final EngineMetrics metrics;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final Object passLock = new Object();
    private final ScorerRunner ownRunner;
    private ScheduledExecutorService executor;
    private volatile boolean closed;

    /**
     * A monitor with a runner of its own (the default retry policy and provider limits), closed with it; a
     * {@link dev.vigil.core.Vigil} shares its engine's runner instead ({@link dev.vigil.core.Vigil#sessions()}).
     *
     * @param store the store holding traces, registries and leases
     * @param registries the scorer registry of an experiment id
     * @param scorerTimeout the per-attempt timeout of a scorer call
     * @param options idle period, lookback, sampler
     * @param passInterval time between the end of a pass and the start of the next, 1 second or more
     * @param owner this engine's id, the lease owner (unique among the engines sharing the store)
     * @param leaseTtl how long an experiment's lease lasts without renewal
     * @param clock the clock idleness is measured with
     */
    public SessionMonitor(Store store, Function<String, ScorerRegistry> registries, Duration scorerTimeout,
            SessionOptions options, Duration passInterval, String owner, Duration leaseTtl, Clock clock) {
        this(store, registries, ScorerRunner.defaults(), EngineMetrics.NONE, scorerTimeout, options, passInterval,
                owner, leaseTtl, clock, true);
    }

    /**
     * @param store the store holding traces, registries and leases
     * @param registries the scorer registry of an experiment id
     * @param runner runs the scorers (the engine's)
     * @param scorerTimeout the per-attempt timeout of a scorer call
     * @param options idle period, lookback, sampler
     * @param passInterval time between the end of a pass and the start of the next, 1 second or more
     * @param owner this engine's id, the lease owner (unique among the engines sharing the store)
     * @param leaseTtl how long an experiment's lease lasts without renewal
     * @param clock the clock idleness is measured with
     */
    public SessionMonitor(Store store, Function<String, ScorerRegistry> registries, ScorerRunner runner,
            Duration scorerTimeout, SessionOptions options, Duration passInterval, String owner, Duration leaseTtl,
            Clock clock) {
        this(store, registries, runner, EngineMetrics.NONE, scorerTimeout, options, passInterval, owner, leaseTtl,
                clock, false);
    }

    /**
     * @param store the store holding traces, registries and leases
     * @param registries the scorer registry of an experiment id
     * @param runner runs the scorers (the engine's)
     * @param metrics where each finished pass is reported (the engine's)
     * @param scorerTimeout the per-attempt timeout of a scorer call
     * @param options idle period, lookback, sampler
     * @param passInterval time between the end of a pass and the start of the next, 1 second or more
     * @param owner this engine's id, the lease owner (unique among the engines sharing the store)
     * @param leaseTtl how long an experiment's lease lasts without renewal
     * @param clock the clock idleness is measured with
     */
    public SessionMonitor(Store store, Function<String, ScorerRegistry> registries, ScorerRunner runner,
            EngineMetrics metrics, Duration scorerTimeout, SessionOptions options, Duration passInterval,
            String owner, Duration leaseTtl, Clock clock) {
        this(store, registries, runner, metrics, scorerTimeout, options, passInterval, owner, leaseTtl, clock, false);
    }

    private SessionMonitor(Store store, Function<String, ScorerRegistry> registries, ScorerRunner runner,
            EngineMetrics metrics, Duration scorerTimeout, SessionOptions options, Duration passInterval,
            String owner, Duration leaseTtl, Clock clock, boolean ownsRunner) {
        this.ownRunner = ownsRunner ? runner : null;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.store = Objects.requireNonNull(store, "store");
        this.registries = Objects.requireNonNull(registries, "registries");
        this.call = new RunnerSessionCall(runner, scorerTimeout);
        this.options = Objects.requireNonNull(options, "options");
        this.passInterval = checkInterval(passInterval);
        this.owner = Objects.requireNonNull(owner, "owner");
        this.leaseTtl = Objects.requireNonNull(leaseTtl, "leaseTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param interval a pass interval
     * @return it, if 1 second or more
     * @throws InvalidInputException otherwise
     */
    public static Duration checkInterval(Duration interval) {
        if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidInputException("the session pass interval must be 1 second or more, got " + interval);
        }
        return interval;
    }

    /** @return the options passes run with */
    public SessionOptions options() {
        return options;
    }

    /** @return the time between passes */
    public Duration passInterval() {
        return passInterval;
    }

    /** Runs passes in the background, the first at once, then every pass interval; idempotent. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the session monitor was closed; build a new one");
        }
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("vigil-sessions").daemon()
                .factory());
        executor.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                LOG.warn("session pass failed; retrying at the next pass: {}", e.toString());
            }
        }, 0, passInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return true while passes run in the background */
    public synchronized boolean isRunning() {
        return executor != null && !closed;
    }

    /**
     * One pass over every experiment with active session scorers whose lease this monitor gets.
     *
     * @return what each experiment's pass did, by experiment id (experiments skipped: none to run, or another
     *     engine holding the lease, are absent)
     */
    public Map<String, SessionPass> runOnce() {
        synchronized (passLock) {
            Map<String, SessionPass> out = new LinkedHashMap<>();
            for (Experiment e : store.experiments().list()) {
                String id = e.experimentId();
                try {
                    runExperiment(id).ifPresent(p -> out.put(id, p));
                } catch (RuntimeException ex) {
                    LOG.warn("session pass over experiment '{}' failed; trying again at the next pass: {}", id,
                            ex.toString());
                }
            }
            return out;
        }
    }

    /**
     * One pass over one experiment, now, on the caller's thread (under its lease, as the background passes).
     *
     * @param experimentId the experiment
     * @return what the pass did, or empty if the experiment has no active session scorer or another engine holds
     *     its lease
     */
    public Optional<SessionPass> runOnce(String experimentId) {
        synchronized (passLock) {
            return runExperiment(experimentId);
        }
    }

    private Optional<SessionPass> runExperiment(String experimentId) {
        if (closed) {
            return Optional.empty();
        }
        List<SessionScorerEntry> entries = new ArrayList<>();
        for (RegisteredScorer r : registries.apply(experimentId).active(ScorerLevel.SESSION)) {
            try {
                entries.add(new SessionScorerEntry(r.sessionScorer(), r.version(), r.sampleRate()));
            } catch (RuntimeException cannotRun) {
                LOG.warn("session scorer '{}' v{} of experiment '{}' cannot run in this process; left out: {}",
                        r.name(), r.version(), experimentId, cannotRun.toString());
            }
        }
        if (entries.isEmpty()) {
            release(experimentId);
            return Optional.empty();
        }
        if (!renew(experimentId)) {
            return Optional.empty();
        }
        SessionScoring scoring = new SessionScoring(store, experimentId, entries, options, clock, call);
        // stop before the next call when closing, or when the lease was lost (another engine took the experiment)
        SessionPass pass = scoring.runOnce(() -> !closed && !Thread.currentThread().isInterrupted()
                && renew(experimentId));
        metrics.sessionPass(experimentId, pass.scored(), pass.failed(), pass.deferred());
        return Optional.of(pass);
    }

    /**
     * Session backfill: scores every session with a trace in {@code [from, to)} once with the given session
     * scorers, through the engine's runner (see {@link SessionScoring#backfill}). Idempotent; runs now, on the
     * caller's thread. A pair whose scorer failed transiently is counted as deferred and left to the live passes.
     *
     * @param experimentId the experiment
     * @param scorers the session scorers, distinct names
     * @param from earliest request time, inclusive
     * @param to latest request time, exclusive
     * @return what the backfill did
     */
    public SessionPass backfill(String experimentId, List<SessionScorerEntry> scorers, java.time.Instant from,
            java.time.Instant to) {
        return new SessionScoring(store, experimentId, scorers, options, clock, call).backfill(from, to);
    }

    /** Takes or renews the experiment's lease; false if another engine holds it. */
    private boolean renew(String experimentId) {
        Optional<Lease> lease = store.jobs().tryAcquire(LEASE_PREFIX + experimentId, owner, leaseTtl);
        if (lease.isEmpty()) {
            held.remove(experimentId);
            return false;
        }
        held.put(experimentId, lease.get());
        return true;
    }

    private void release(String experimentId) {
        Lease l = held.remove(experimentId);
        if (l != null) {
            store.jobs().release(l);
        }
    }

    /** Stops the passes (a call in flight is interrupted and its session tried again later) and gives the leases up. */
    @Override
    public void close() {
        ScheduledExecutorService ex;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ex = executor;
        }
        if (ex != null) {
            ex.shutdownNow();
            try {
                ex.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String id : List.copyOf(held.keySet())) {
            try {
                release(id);
            } catch (RuntimeException e) {
                LOG.warn("could not release the session lease of experiment '{}': {}", id, e.toString());
            }
        }
        if (ownRunner != null) {
            ownRunner.close();
        }
    }
}
