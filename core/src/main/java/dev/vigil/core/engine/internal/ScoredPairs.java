package dev.vigil.core.engine.internal;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.core.engine.ScorerKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Drops (trace revision, scorer version) pairs the store already holds feedback for: one query per scorer version,
 * plus one read of the assessments of each trace at a revision above 0 that the scorer version already scored (a
 * trace updated after it was scored, see {@link dev.vigil.spi.model.TraceInfo#METADATA_REVISION}), to tell whether
 * that revision was scored.
 */
final class ScoredPairs {

    private ScoredPairs() {}

    /**
     * @param store the store to ask
     * @param work the pairs
     * @param scorer a pair's scorer
     * @param trace a pair's trace
     * @return the pairs not yet scored at their trace's revision, in order (the same list when none is)
     */
    static <W> List<W> without(Store store, List<W> work, Function<W, ActiveScorer> scorer, Function<W, Trace> trace) {
        if (work.isEmpty()) {
            return work;
        }
        Map<ScorerKey, List<String>> byScorer = new HashMap<>();
        for (W w : work) {
            byScorer.computeIfAbsent(scorer.apply(w).key(), k -> new ArrayList<>()).add(trace.apply(w).traceId());
        }
        Map<ScorerKey, Set<String>> scored = new HashMap<>();
        for (var e : byScorer.entrySet()) {
            Set<String> done = store.assessments().tracesScoredBy(e.getKey().name(), e.getKey().version(),
                    e.getValue());
            if (!done.isEmpty()) {
                scored.put(e.getKey(), done);
            }
        }
        if (scored.isEmpty()) {
            return work;
        }
        Map<String, List<Assessment>> revised = new HashMap<>();
        List<W> out = new ArrayList<>(work.size());
        for (W w : work) {
            Trace t = trace.apply(w);
            ScorerKey key = scorer.apply(w).key();
            Set<String> done = scored.get(key);
            if (done == null || !done.contains(t.traceId())) {
                out.add(w);
            } else if (t.info().revision() > 0 && !scoredAt(revised.computeIfAbsent(t.traceId(),
                    id -> store.assessments().listByTrace(id)), key, t.info().revision())) {
                out.add(w); // scored, but on an earlier revision: score the new one
            }
        }
        return out.size() == work.size() ? work : out;
    }

    /** @return true if the scorer version has feedback on the trace at that revision or a later one */
    private static boolean scoredAt(List<Assessment> assessments, ScorerKey key, long revision) {
        for (Assessment a : assessments) {
            if (key.name().equals(a.scorerName()) && a.scorerVersion() == key.version()
                    && a.traceRevision() >= revision) {
                return true;
            }
        }
        return false;
    }
}
