package dev.vigil.testkit.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.store.Store;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * The setup and seams of {@link SessionMonitorConformanceSuite}. The testkit does not depend on the engine, so a
 * subclass supplies both sides: the store backend ({@link #openStore}, and for a backend that several processes
 * open, {@link #openSharedStore}; for a durable one, {@link #reopenStore}) and the engine's session monitor and
 * scorer registry ({@link #newMonitor}, {@link #startSessionScorer}, {@link #stopScorer}). Vigil's own engine side is
 * written once, in vigil-core's test jar ({@code dev.vigil.core.conformance.EngineSessionMonitorSuite}), so a store
 * backend's test extends that and supplies only the store.
 *
 * <p>Each test gets a new, empty store opened with a fresh {@link MutableClock} starting at {@link #T0}, an
 * experiment {@code chat} ({@link #exp}) with the {@link CountingSessionScorer} started at sample rate 1, and
 * {@link #other}: the store as a second engine sees it (a second handle when {@link #openSharedStore} gives one,
 * else the same store).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class SessionMonitorConformanceBase {

    /** The start of {@link #clock} for each test. */
    protected static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    /** The lease time-to-live the monitors are built with. */
    protected static final Duration TTL = Duration.ofSeconds(30);
    /** The per-attempt scorer timeout of the monitors, except in the timeout scenario. */
    protected static final Duration SCORER_TIMEOUT = Duration.ofSeconds(30);

    /** The clock the stores and monitors were given; tests advance it. */
    protected MutableClock clock;
    /** The store under test, as the first engine sees it. */
    protected Store store;
    /** The store as a second engine sees it: a second handle on it, or {@link #store} itself. */
    protected Store other;
    /** The experiment whose sessions are scored. */
    protected String exp;
    private final List<Monitor> monitors = new ArrayList<>();

    /**
     * One engine's session monitor, as the suite drives it.
     */
    public interface Monitor extends AutoCloseable {
        /**
         * One pass over every experiment with active session scorers whose lease the monitor gets, now.
         *
         * @return what each experiment's pass did, by experiment id (skipped experiments absent)
         */
        Map<String, Pass> runOnce();

        /** Runs passes in the background, the first at once, then every pass interval. */
        void start();

        /** @return true while passes run in the background */
        boolean isRunning();

        /** Stops the passes and gives the monitor's leases up. */
        @Override
        void close();
    }

    /**
     * What one pass over an experiment did, counted per (session, scorer) pair except {@code sessions}.
     *
     * @param sessions sessions with a trace in the lookback window
     * @param active pairs skipped because the session was still active
     * @param notSampled pairs the scorer's sample left out
     * @param upToDate pairs already scored at the session's current version
     * @param scored pairs scored now (an error result included)
     * @param deferred pairs whose scorer failed transiently, left to a later pass
     */
    public record Pass(int sessions, int active, int notSampled, int upToDate, int scored, int deferred) {}

    /**
     * Opens a new, empty store.
     *
     * @param clock the clock to open it with (used for lease expiry and create times)
     * @return the store
     */
    protected abstract Store openStore(Clock clock);

    /**
     * A second handle on the store under test, open at the same time, as another engine process would open it.
     *
     * @param clock the clock to open it with
     * @return the second handle, or null (the default) when the engines share the one store handle
     */
    protected Store openSharedStore(Clock clock) {
        return null;
    }

    /**
     * The store under test opened again after it was closed.
     *
     * @param clock the clock to open it with
     * @return the reopened store, or null (the default) for a store that is not durable
     */
    protected Store reopenStore(Clock clock) {
        return null;
    }

    /**
     * Registers a session scorer, stored as its class (so every engine's registry rebuilds it), and starts it at
     * sample rate 1.
     *
     * @param store the store holding the registry
     * @param experimentId the experiment
     * @param name the scorer's name
     * @param scorerClass the scorer's class, public with a public no-argument constructor
     */
    protected abstract void startSessionScorer(Store store, String experimentId, String name, Class<?> scorerClass);

    /**
     * Stops a scorer in the experiment's registry.
     *
     * @param store the store holding the registry
     * @param experimentId the experiment
     * @param name the scorer's name
     */
    protected abstract void stopScorer(Store store, String experimentId, String name);

    /**
     * A session monitor of its own engine: its own registry (scorers rebuilt from their definitions), scorer
     * runner and owner id, a pass interval of 1 second and the default session options.
     *
     * @param store the store the engine opened
     * @param owner the engine's id, the lease owner
     * @param scorerTimeout the per-attempt scorer timeout
     * @param leaseTtl the experiment lease's time-to-live
     * @param clock the clock idleness and leases are measured with
     * @return the monitor, not started
     */
    protected abstract Monitor newMonitor(Store store, String owner, Duration scorerTimeout, Duration leaseTtl,
            Clock clock);

    @BeforeEach
    void openSessionStore() {
        CountingSessionScorer.reset();
        clock = new MutableClock(T0);
        store = openStore(clock);
        assertThat(store).as("openStore must return a store").isNotNull();
        Store shared = openSharedStore(clock);
        other = shared == null ? store : shared;
        exp = store.experiments().getOrCreate("chat").experimentId();
        startSessionScorer(store, exp, CountingSessionScorer.NAME, CountingSessionScorer.class);
    }

    @AfterEach
    void closeSessionStore() {
        monitors.forEach(Monitor::close);
        if (other != null && other != store) {
            other.close();
        }
        if (store != null) {
            store.close();
        }
        CountingSessionScorer.reset();
    }

    // ================================================================== helpers (usable by subclasses)

    /**
     * @param on the store the engine opened
     * @param owner the engine's id
     * @param scorerTimeout the per-attempt scorer timeout
     * @return a new monitor, closed after the test
     */
    protected Monitor monitor(Store on, String owner, Duration scorerTimeout) {
        Monitor m = newMonitor(on, owner, scorerTimeout, TTL, clock);
        assertThat(m).as("newMonitor must return a monitor").isNotNull();
        monitors.add(m);
        return m;
    }

    /** @param owner the engine's id @return a new monitor on {@link #store}, closed after the test */
    protected Monitor monitor(String owner) {
        return monitor(store, owner, SCORER_TIMEOUT);
    }

    /**
     * Writes a two-turn conversation.
     *
     * @param sessionId its session id (its traces are {@code <sessionId>-t1} and {@code -t2})
     * @param start the first turn's request time (the second is a minute later)
     */
    protected void chat(String sessionId, Instant start) {
        store.traces().put(Conversations.conversation(exp, sessionId, start, Duration.ofMinutes(1), "Hi", "Hello!",
                "Where is my order?", "On its way."));
    }

    /**
     * @param sessionId a session id
     * @return the session-level assessments on the session's traces
     */
    protected List<Assessment> sessionAssessments(String sessionId) {
        List<Assessment> out = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            store.traces().get(sessionId + "-t" + i).ifPresent(t -> store.assessments().listByTrace(t.traceId())
                    .stream().filter(a -> sessionId.equals(a.metadata().get(Session.METADATA_KEY))).forEach(out::add));
        }
        return out;
    }

    /**
     * Runs one pass of each monitor at the same moment, each on its own thread.
     *
     * @param all the monitors
     * @return what each pass returned, in the order they finished
     * @throws InterruptedException if interrupted while waiting for them
     */
    protected static List<Map<String, Pass>> runTogether(List<Monitor> all) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Map<String, Pass>> results = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (Monitor m : all) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                results.add(m.runOnce());
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(results).as("every pass returned").hasSize(all.size());
        return results;
    }

    /**
     * Waits for the background loop to score a session (the wait bound is a safety net, not a timing assertion).
     *
     * @param sessionId the session
     * @throws InterruptedException if interrupted while waiting
     */
    protected void awaitScored(String sessionId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (sessionAssessments(sessionId).isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        assertThat(sessionAssessments(sessionId)).as(sessionId).hasSize(1);
    }
}
