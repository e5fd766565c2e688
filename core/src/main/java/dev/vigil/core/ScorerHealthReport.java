package dev.vigil.core;

import dev.vigil.core.engine.Engine;
import dev.vigil.core.engine.RunStats;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.ScorerStatus;
import dev.vigil.core.engine.internal.Unavailable;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.store.Store;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@link Vigil#scorerHealth(String)}: the engine's run state and statistics of each active scorer version, merged
 * with what the registry knows (a scorer this process cannot build) and the store's retry queue.
 */
final class ScorerHealthReport {

    private ScorerHealthReport() {}

    /**
     * @param engine the engine whose run statistics and statuses are read
     * @param registry the experiment's registry
     * @param store the store, for the pairs pending in its retry queue (0 if it keeps none)
     * @return one entry per active scorer version, by name
     */
    static List<ScorerHealth> of(Engine engine, ScorerRegistry registry, Store store) {
        String experimentId = registry.experimentId();
        Map<ScorerKey, RunStats> stats = engine.runStats();
        Map<ScorerKey, ScorerStatus> statuses = engine.statuses();
        List<ScorerHealth> out = new ArrayList<>();
        for (RegisteredScorer r : registry.active()) {
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
            long pending = pendingRetries(store, experimentId, r);
            out.add(rs == null
                    ? new ScorerHealth(experimentId, r.name(), r.version(), state, reason, null, null, null, null,
                            Map.of(), 0, pending, null, null)
                    : new ScorerHealth(experimentId, r.name(), r.version(), state, reason, rs.lastSuccessAt(),
                            rs.lastErrorAt(), rs.lastErrorKind(), rs.lastErrorMessage(), rs.failuresByKind(),
                            rs.scorerErrors(), pending, rs.latencyP50(), rs.latencyP99()));
        }
        out.sort(Comparator.comparing(ScorerHealth::name));
        return out;
    }

    private static long pendingRetries(Store store, String experimentId, RegisteredScorer r) {
        try {
            return store.retries().count(experimentId, r.name(), r.version());
        } catch (UnsupportedOperationException e) {
            return 0;
        }
    }
}
