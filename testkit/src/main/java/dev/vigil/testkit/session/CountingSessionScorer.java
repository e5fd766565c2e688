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
 * static counters shared by the instances every registry builds (so one suite runs at a time per JVM, as JUnit runs
 * test classes by default). A test can make it fail, block until interrupted, or run a hook at each call.
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

    static void reset() {
        SESSION_CALLS.set(0);
        TRACE_CALLS.set(0);
        SEEN.clear();
        fail = null;
        block = false;
        onCall = () -> { };
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
