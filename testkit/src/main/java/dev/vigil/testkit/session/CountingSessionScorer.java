package dev.vigil.testkit.session;

import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The session scorer {@link SessionMonitorConformanceSuite} registers, stored as a class so that every engine's
 * registry rebuilds it: named {@value #NAME}, it returns the session's number of turns and counts its calls in
 * static counters shared by the instances every registry builds (so one test that uses it runs at a time per JVM, as
 * JUnit runs test classes by default). A test can make it fail ({@link #failWith}), block until interrupted, or run
 * a hook at each call, and reads what it saw through {@link #sessionCalls()}, {@link #traceCalls()} and
 * {@link #seen()}; call {@link #reset()} before and after each test.
 */
public final class CountingSessionScorer implements Scorer, SessionScorer {
    /** The scorer's name. */
    public static final String NAME = "turns";

    static final AtomicInteger SESSION_CALLS = new AtomicInteger();
    static final AtomicInteger TRACE_CALLS = new AtomicInteger();
    static final List<String> SEEN = new CopyOnWriteArrayList<>();
    static volatile Exception fail;
    static volatile boolean block;
    static volatile Runnable onCall = () -> { };

    /** Needed by the java scorer codec. */
    public CountingSessionScorer() {}

    /** Sets the counters to zero, forgets what was seen, and clears the failure, the block and the hook. */
    public static void reset() {
        SESSION_CALLS.set(0);
        TRACE_CALLS.set(0);
        SEEN.clear();
        fail = null;
        block = false;
        onCall = () -> { };
    }

    /** @return the number of {@code scoreSession} calls since the last {@link #reset()} */
    public static int sessionCalls() {
        return SESSION_CALLS.get();
    }

    /**
     * @return the number of per-trace {@code score} calls since the last {@link #reset()} (the engine makes none on a
     *     session scorer)
     */
    public static int traceCalls() {
        return TRACE_CALLS.get();
    }

    /**
     * @return the sessions scored without failing since the last {@link #reset()}, as {@code sessionId@turns}, in the
     *     order they were scored
     */
    public static List<String> seen() {
        return List.copyOf(SEEN);
    }

    /**
     * Makes every following {@code scoreSession} call throw, until cleared or {@link #reset()}.
     *
     * @param failure what to throw (a {@link dev.vigil.spi.judge.JudgeException} for a transient failure), or null to
     *     stop failing
     */
    public static void failWith(Exception failure) {
        fail = failure;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AssessmentSource source() {
        return AssessmentSource.code(name());
    }

    @Override
    public ScorerDefinition definition() {
        return new ScorerDefinition("java", Map.of("class", CountingSessionScorer.class.getName()));
    }

    @Override
    public Object score(ScorerInput input) {
        TRACE_CALLS.incrementAndGet();
        return 0;
    }

    @Override
    public Object scoreSession(Session session) throws Exception {
        SESSION_CALLS.incrementAndGet();
        onCall.run();
        if (block) {
            Thread.sleep(Long.MAX_VALUE); // until the scorer timeout interrupts it
        }
        if (fail != null) {
            throw fail;
        }
        SEEN.add(session.sessionId() + "@" + session.turns());
        return session.turns();
    }

    @Override
    public Workload workload() {
        return Workload.IO;
    }
}
