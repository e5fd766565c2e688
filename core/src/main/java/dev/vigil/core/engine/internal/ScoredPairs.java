package dev.vigil.core.engine.internal;

import dev.vigil.spi.store.Store;
import dev.vigil.core.engine.ScorerKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Drops (trace, scorer version) pairs the store already holds feedback for: one query per scorer version. */
final class ScoredPairs {

    private ScoredPairs() {}

    /**
     * @param store the store to ask
     * @param work the pairs
     * @param scorer a pair's scorer
     * @param traceId a pair's trace id
     * @return the pairs not yet scored, in order (the same list when none is)
     */
    static <W> List<W> without(Store store, List<W> work, Function<W, ActiveScorer> scorer,
            Function<W, String> traceId) {
        if (work.isEmpty()) {
            return work;
        }
        Map<ScorerKey, List<String>> byScorer = new HashMap<>();
        for (W w : work) {
            byScorer.computeIfAbsent(scorer.apply(w).key(), k -> new ArrayList<>()).add(traceId.apply(w));
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
        List<W> out = new ArrayList<>(work.size());
        for (W w : work) {
            Set<String> done = scored.get(scorer.apply(w).key());
            if (done == null || !done.contains(traceId.apply(w))) {
                out.add(w);
            }
        }
        return out;
    }
}
