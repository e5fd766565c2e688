package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.AssessmentStore;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.WriteLimits;
import dev.vigil.spi.store.support.AssessmentRules;
import dev.vigil.spi.store.support.AssessmentRules.FeedbackKey;
import dev.vigil.spi.store.support.StoreArguments;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Assessments of a {@link MemoryStore}: per trace in creation order, plus an index of scorer feedback by
 * (trace id, assessment name, scorer name, scorer version) for idempotent upserts.
 */
final class MemoryAssessmentStore implements AssessmentStore {

    /** The idempotency key of scorer feedback. */

    /** A scorer version, for {@link #tracesScoredBy}. */
    private record ScorerRef(String scorerName, int scorerVersion) {}

    private final MemoryStore store;
    private final Map<String, LinkedHashMap<String, Assessment>> byTrace = new HashMap<>();
    private final Set<String> ids = new HashSet<>();
    private final Map<FeedbackKey, String> scorerIndex = new HashMap<>();
    private final Map<ScorerRef, Set<String>> scoredTraces = new HashMap<>();

    MemoryAssessmentStore(MemoryStore store) {
        this.store = store;
    }

    @Override
    public Assessment append(Assessment assessment) {
        AssessmentRules.checkAppend(assessment, WriteLimits.DEFAULTS);
        return store.write(() -> {
            requireTrace(assessment);
            if (assessment.assessmentId() != null && ids.contains(assessment.assessmentId())) {
                throw new InvalidInputException("assessment id " + assessment.assessmentId()
                        + " is already stored; append a new assessment with a null id (one is assigned)");
            }
            Assessment stored = AssessmentRules.withId(assessment);
            insertLocked(stored);
            return stored;
        });
    }

    @Override
    public List<Assessment> upsertScorerFeedback(List<Assessment> assessments) {
        AssessmentRules.checkUpsertBatch(assessments, WriteLimits.DEFAULTS);
        // outside the lock, so concurrent writers do it in parallel: the keys, and a copy with a new id of each
        // assessment that has none, used if its key is not stored yet (a random id and a rebuilt record are the
        // dearest part of an insert)
        int n = assessments.size();
        FeedbackKey[] keys = new FeedbackKey[n];
        Assessment[] withNewId = new Assessment[n];
        for (int i = 0; i < n; i++) {
            Assessment a = assessments.get(i);
            keys[i] = FeedbackKey.of(a);
            if (a.assessmentId() == null) {
                withNewId[i] = a.toBuilder().assessmentId(AssessmentRules.newId()).build();
            }
        }
        return store.write(() -> {
            for (Assessment a : assessments) {
                requireTrace(a);
            }
            Assessment[] out = new Assessment[n];
            for (int i = 0; i < n; i++) {
                Assessment a = assessments.get(i);
                String existingId = scorerIndex.get(keys[i]);
                Assessment stored;
                if (existingId != null) {
                    Assessment old = byTrace.get(a.traceId()).get(existingId);
                    stored = AssessmentRules.replacing(a, old.assessmentId(), old.createTime());
                    byTrace.get(a.traceId()).put(existingId, stored); // keeps its place in creation order
                    Trace trace = store.traceStore().traceLocked(a.traceId());
                    store.rollupStore().subtractLocked(trace, old);
                    store.rollupStore().addLocked(trace, stored);
                } else if (a.assessmentId() == null) {
                    stored = withNewId[i];
                    insertLocked(stored);
                } else {
                    stored = ids.contains(a.assessmentId())
                            ? a.toBuilder().assessmentId(AssessmentRules.newId()).build() : a;
                    insertLocked(stored);
                }
                out[i] = stored;
            }
            return List.of(out);
        });
    }

    @Override
    public List<Assessment> listByTrace(String traceId) {
        return store.read(() -> listLocked(traceId));
    }

    @Override
    public List<ScoredValue> valuesByScorer(String experimentId, String scorerName, Instant from, Instant to) {
        StoreArguments.valuesByScorer(experimentId, scorerName, from, to);
        return store.read(() -> {
            List<ScoredValue> out = new ArrayList<>();
            for (Trace t : store.traceStore().rangeLocked(experimentId, from, to)) {
                Map<String, Assessment> as = byTrace.get(t.traceId());
                if (as == null) {
                    continue;
                }
                for (Assessment a : as.values()) {
                    if (a.value() instanceof FeedbackValue && a.valid() && scorerName.equals(a.scorerName())) {
                        out.add(new ScoredValue(t.info().requestTime(), a));
                    }
                }
            }
            return List.copyOf(out);
        });
    }

    @Override
    public Set<String> tracesScoredBy(String scorerName, int scorerVersion, Collection<String> traceIds) {
        Objects.requireNonNull(traceIds, "traceIds");
        return store.read(() -> {
            Set<String> scored = scoredTraces.getOrDefault(new ScorerRef(scorerName, scorerVersion), Set.of());
            Set<String> out = new LinkedHashSet<>();
            for (String id : traceIds) {
                if (scored.contains(id)) {
                    out.add(id);
                }
            }
            return Set.copyOf(out);
        });
    }

    /** Call under the lock. */
    List<Assessment> listLocked(String traceId) {
        Map<String, Assessment> as = byTrace.get(traceId);
        return as == null ? List.of() : List.copyOf(as.values());
    }

    private void insertLocked(Assessment a) {
        byTrace.computeIfAbsent(a.traceId(), t -> new LinkedHashMap<>()).put(a.assessmentId(), a);
        store.rollupStore().addLocked(store.traceStore().traceLocked(a.traceId()), a);
        ids.add(a.assessmentId());
        if (a.scorerName() != null) {
            FeedbackKey key = FeedbackKey.of(a);
            scorerIndex.putIfAbsent(key, a.assessmentId());
            scoredTraces.computeIfAbsent(new ScorerRef(key.scorerName(), key.scorerVersion()), r -> new HashSet<>())
                    .add(a.traceId());
        }
    }

    private void requireTrace(Assessment a) {
        if (store.traceStore().traceLocked(a.traceId()) == null) {
            throw AssessmentRules.traceMissing(a);
        }
    }
}
