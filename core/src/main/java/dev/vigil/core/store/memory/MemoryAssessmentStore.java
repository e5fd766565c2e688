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
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Assessments of a {@link MemoryStore}: per trace in creation order, each trace's with its own index of scorer
 * feedback by (assessment name, scorer name, scorer version, trace revision) for idempotent upserts.
 *
 * <p>Locking: {@link #append} runs under the store's write lock. {@link #upsertScorerFeedback} runs under the
 * store's {@linkplain MemoryStore#shared shared} lock, so that upserts of different traces proceed in parallel
 * (the engine's pool threads each upsert the feedback of their own traces): a batch is checked whole before its
 * first change (every trace exists, and no trace put can run beside it), then each trace's part of the batch is
 * applied under that trace's monitor ({@link TraceAssessments}), so two batches of the same keys never duplicate
 * one and a reader sees a trace's part of a batch whole or not at all.
 */
final class MemoryAssessmentStore implements AssessmentStore {

    /** A scorer version, for {@link #tracesScoredBy}. */
    private record ScorerRef(String scorerName, int scorerVersion) {}

    private final MemoryStore store;
    private final Map<String, TraceAssessments> byTrace = new ConcurrentHashMap<>();
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final Map<ScorerRef, Set<String>> scoredTraces = new ConcurrentHashMap<>();

    MemoryAssessmentStore(MemoryStore store) {
        this.store = store;
    }

    @Override
    public Assessment append(Assessment assessment) {
        AssessmentRules.checkAppend(assessment, WriteLimits.DEFAULTS);
        return store.write(() -> {
            Trace trace = requireTrace(assessment);
            if (assessment.assessmentId() != null && ids.contains(assessment.assessmentId())) {
                throw new InvalidInputException("assessment id " + assessment.assessmentId()
                        + " is already stored; append a new assessment with a null id (one is assigned)");
            }
            Assessment stored = AssessmentRules.withId(assessment);
            ids.add(stored.assessmentId());
            TraceAssessments per = of(trace.traceId());
            synchronized (per) {
                insert(per, stored, stored.scorerName() == null ? null : FeedbackKey.of(stored));
                store.rollupStore().addLocked(trace, stored);
            }
            return stored;
        });
    }

    @Override
    public List<Assessment> upsertScorerFeedback(List<Assessment> assessments) {
        AssessmentRules.checkUpsertBatch(assessments, WriteLimits.DEFAULTS);
        // outside any lock: the keys, and a copy with a new id of each assessment that has none, used if its key is
        // not stored yet (a random id and a rebuilt record are the dearest part of an insert)
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
        // the batch's items grouped by trace, in batch order: next[i] is the next item of i's trace (-1: none)
        int[] next = new int[n];
        Arrays.fill(next, -1);
        Map<String, Integer> last = new HashMap<>();
        boolean[] first = new boolean[n];
        for (int i = 0; i < n; i++) {
            Integer prev = last.put(assessments.get(i).traceId(), i);
            if (prev == null) {
                first[i] = true;
            } else {
                next[prev] = i;
            }
        }
        return store.shared(() -> {
            // all or nothing: every trace is checked before the first change, and traces cannot change meanwhile
            Trace[] traces = new Trace[n];
            for (int i = 0; i < n; i++) {
                if (first[i]) {
                    traces[i] = requireTrace(assessments.get(i));
                }
            }
            Assessment[] out = new Assessment[n];
            MemoryRollupStore.Pending rollups = store.rollupStore().pending();
            for (int i = 0; i < n; i++) {
                if (!first[i]) {
                    continue;
                }
                Trace trace = traces[i];
                TraceAssessments per = of(trace.traceId());
                synchronized (per) {
                    for (int j = i; j >= 0; j = next[j]) {
                        out[j] = upsertOne(per, trace, assessments.get(j), keys[j], withNewId[j], rollups);
                    }
                }
            }
            rollups.apply();
            return List.of(out);
        });
    }

    /** Call holding {@code per}'s monitor. */
    private Assessment upsertOne(TraceAssessments per, Trace trace, Assessment a, FeedbackKey key,
            Assessment withNewId, MemoryRollupStore.Pending rollups) {
        String existingId = per.keys.get(key);
        if (existingId != null) {
            Assessment old = per.byId.get(existingId);
            Assessment stored = AssessmentRules.replacing(a, old.assessmentId(), old.createTime());
            per.byId.put(existingId, stored); // keeps its place in creation order
            per.changed();
            rollups.subtract(trace, old);
            rollups.add(trace, stored);
            return stored;
        }
        Assessment stored;
        if (a.assessmentId() == null) {
            stored = withNewId;
            ids.add(stored.assessmentId());
        } else if (ids.add(a.assessmentId())) {
            stored = a;
        } else {
            stored = a.toBuilder().assessmentId(AssessmentRules.newId()).build();
            ids.add(stored.assessmentId());
        }
        insert(per, stored, key);
        rollups.add(trace, stored);
        return stored;
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
                for (Assessment a : listLocked(t.traceId())) {
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

    /** Call under the store's lock (read, shared or write): a trace's assessments in creation order. */
    List<Assessment> listLocked(String traceId) {
        TraceAssessments per = byTrace.get(traceId);
        return per == null ? List.of() : per.list();
    }

    private TraceAssessments of(String traceId) {
        return byTrace.computeIfAbsent(traceId, t -> new TraceAssessments());
    }

    /**
     * Call holding {@code per}'s monitor, with the assessment's id already taken in {@link #ids}; the caller adds its
     * rollup contribution.
     */
    private void insert(TraceAssessments per, Assessment a, FeedbackKey key) {
        per.byId.put(a.assessmentId(), a);
        per.changed();
        if (key != null) {
            per.keys.putIfAbsent(key, a.assessmentId());
            scoredTraces.computeIfAbsent(new ScorerRef(key.scorerName(), key.scorerVersion()),
                    r -> ConcurrentHashMap.newKeySet()).add(a.traceId());
        }
    }

    private Trace requireTrace(Assessment a) {
        Trace trace = store.traceStore().traceLocked(a.traceId());
        if (trace == null) {
            throw AssessmentRules.traceMissing(a);
        }
        return trace;
    }
}
