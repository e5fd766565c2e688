package dev.vigil.core.store.memory;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.store.support.AssessmentRules.FeedbackKey;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The assessments of one trace in a {@link MemoryAssessmentStore}, in creation order, with the index of its scorer
 * feedback by key. Every access holds this object's monitor; readers get an immutable list, built once per change.
 */
final class TraceAssessments {

    /** By assessment id, in creation order. Guarded by this. */
    final Map<String, Assessment> byId = new LinkedHashMap<>();
    /** Scorer feedback's id by its idempotency key. Guarded by this. */
    final Map<FeedbackKey, String> keys = new HashMap<>();
    /** What {@link #list} returns until the next change; null once changed. Guarded by this. */
    private List<Assessment> snapshot = List.of();

    /** Call holding the monitor, after each change. */
    void changed() {
        snapshot = null;
    }

    /** @return the assessments in creation order, immutable */
    synchronized List<Assessment> list() {
        if (snapshot == null) {
            snapshot = List.copyOf(byId.values());
        }
        return snapshot;
    }
}
