package dev.vigil.core.session;

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
 * A session scorer stored as a class (so every registry rebuilds it): returns the number of turns, counts its
 * calls in static counters (shared by the instances every registry builds) and fails or blocks when told to.
 */
public final class TurnsJudge implements Scorer, SessionScorer {
    static final AtomicInteger SESSION_CALLS = new AtomicInteger();
    static final AtomicInteger TRACE_CALLS = new AtomicInteger();
    static final List<String> SEEN = new CopyOnWriteArrayList<>();
    static volatile Exception fail;
    static volatile boolean block;
    static volatile Runnable onCall = () -> { };

    /** Needed by the java codec. */
    public TurnsJudge() {}

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
        return "turns";
    }

    @Override
    public dev.vigil.spi.model.AssessmentSource source() {
        return dev.vigil.spi.model.AssessmentSource.code(name());
    }

    @Override
    public ScorerDefinition definition() {
        return new ScorerDefinition("java", Map.of("class", TurnsJudge.class.getName()));
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
            Thread.sleep(Long.MAX_VALUE); // until the timeout interrupts it
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
