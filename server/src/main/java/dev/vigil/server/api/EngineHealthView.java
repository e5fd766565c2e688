package dev.vigil.server.api;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.ScorerStatus;
import dev.vigil.core.metrics.EngineStats;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Engine and scorer health as the API shows it, from what the engine exposes today: the tail loop's health, the
 * queue, the cursor lag, the session monitor's counters (passes, pairs scored / errors / deferred), per-scorer
 * counters (seen / sampled / scored / failed, judge tokens and cost) and the run status (RUNNING or PAUSED with why). The one place that reads engine internals: when the engine offers a
 * per-scorer health record (last run, last error, errors by class), map it here and the API and dashboard follow.
 */
final class EngineHealthView {

    private final Vigil vigil;
    private final Clock clock;
    private Instant lastAt;
    private long lastSeen = -1;
    private double throughput;

    EngineHealthView(Vigil vigil, Clock clock) {
        this.vigil = vigil;
        this.clock = clock;
    }

    /** @return the engine's health: running, loop failures, queue, lag, throughput (traces/s since the last call) */
    synchronized Map<String, Object> engine() {
        EngineStats.Snapshot s = vigil.stats();
        EngineStats.LoopHealth loop = vigil.loopHealth();
        Instant now = clock.instant();
        if (lastAt != null && lastSeen >= 0) {
            double secs = (now.toEpochMilli() - lastAt.toEpochMilli()) / 1000.0;
            if (secs >= 1) {
                throughput = Math.max(0, s.tracesSeen() - lastSeen) / secs;
                lastAt = now;
                lastSeen = s.tracesSeen();
            }
        } else {
            lastAt = now;
            lastSeen = s.tracesSeen();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("monitoring", vigil.isMonitoring());
        m.put("status", !vigil.isMonitoring() ? "STOPPED" : loop.failing() ? "FAILING" : "UP");
        m.put("tracesSeen", s.tracesSeen());
        m.put("throughputPerSecond", throughput);
        m.put("queueDepth", s.queueDepth());
        m.put("cursorLag", s.cursorLag());
        m.put("loopFailures", loop.failures());
        m.put("consecutiveLoopFailures", loop.consecutive());
        m.put("lastLoopFailure", loop.lastFailure());
        m.put("heldPartitions", vigil.engine().heldPartitions().size());
        m.put("skippedRows", vigil.skippedRows());
        m.put("sessions", sessionCounts(s.sessions()));
        m.put("time", now.toString());
        return m;
    }

    /**
     * @param experimentId an experiment id
     * @return the session monitor's counters for that experiment since this process started (zeros when none ran)
     */
    Map<String, Object> sessions(String experimentId) {
        return sessionCounts(vigil.stats(experimentId).sessions());
    }

    /** The session monitor's counters as the API shows them: passes, pairs scored, errors and deferred. */
    private static Map<String, Object> sessionCounts(EngineStats.SessionCounts c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passes", c.passes());
        m.put("scored", c.scored());
        m.put("errors", c.failed());
        m.put("deferred", c.deferred());
        return m;
    }

    /**
     * @param exp the experiment
     * @param name the scorer
     * @param version its version
     * @return its counters since this process started and its run status
     */
    Map<String, Object> scorer(ExperimentHandle exp, String name, int version) {
        EngineStats.ScorerCounts c = vigil.stats().scorer(name);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sampled", c.sampled());
        m.put("scored", c.scored());
        m.put("errors", c.failed());
        m.put("inputTokens", c.inputTokens());
        m.put("outputTokens", c.outputTokens());
        m.put("costUsd", c.costUsd());
        ScorerStatus st = vigil.engine().statuses().get(new ScorerKey(exp.id(), name, version));
        m.put("runState", st == null ? null : st.state().name());
        m.put("pausedReason", st == null ? null : st.reason());
        m.put("since", st == null ? null : st.since().toString());
        return m;
    }
}
