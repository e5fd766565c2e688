package dev.vigil.core.store.memory;

import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.spi.store.TraceStore;
import dev.vigil.spi.store.WriteLimits;
import dev.vigil.spi.store.support.KeysetPager;
import dev.vigil.spi.store.support.ScanKey;
import dev.vigil.spi.store.support.StoreArguments;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/** Traces of a {@link MemoryStore}, indexed by id, by (experiment, request time, id) and by arrival sequence. */
final class MemoryTraceStore implements TraceStore {

    /** A stored trace (without assessments: those live in the assessment store) and its arrival sequence. */
    private record Stored(Trace trace, long sequence) {}

    /** The tag of this store's page tokens. */
    private static final String TOKEN_TAG = "m2";
    private static final NavigableMap<ScanKey, String> EMPTY = new TreeMap<>();

    private final MemoryStore store;
    private final Function<FilterExpr, Predicate<Trace>> filterCompiler;
    private final Map<String, Stored> byId = new HashMap<>();
    private final Map<String, NavigableMap<ScanKey, String>> byExperiment = new HashMap<>();
    private final NavigableMap<Long, String> arrivals = new TreeMap<>();
    private long lastSequence;

    MemoryTraceStore(MemoryStore store, Function<FilterExpr, Predicate<Trace>> filterCompiler) {
        this.store = store;
        this.filterCompiler = filterCompiler;
    }

    @Override
    public void put(List<Trace> traces) {
        List<Trace> batch = StoreArguments.traceBatch(traces, WriteLimits.DEFAULTS);
        store.write(() -> {
            // validate the whole batch before the first change: all or nothing
            for (Trace t : batch) {
                store.requireExperiment(t.experimentId(), "trace " + t.traceId());
            }
            for (Trace t : batch) {
                Stored old = byId.get(t.traceId());
                if (old != null) {
                    arrivals.remove(old.sequence());
                    byExperiment.get(old.trace().experimentId()).remove(keyOf(old.trace()));
                    store.rollupStore().moveLocked(old.trace(), t);
                }
                long seq = ++lastSequence;
                byId.put(t.traceId(), new Stored(t, seq));
                arrivals.put(seq, t.traceId());
                byExperiment.computeIfAbsent(t.experimentId(), e -> new TreeMap<>()).put(keyOf(t), t.traceId());
            }
            return null;
        });
    }

    @Override
    public Optional<Trace> get(String traceId) {
        if (traceId == null) {
            return Optional.empty();
        }
        return store.read(() -> Optional.ofNullable(byId.get(traceId)).map(s -> withAssessments(s.trace())));
    }

    @Override
    public TracePage scan(TraceQuery query, String pageToken, int maxResults) {
        // checked and compiled outside the lock; a bad filter fails here, before anything is read
        KeysetPager.Scan scan = StoreArguments.scan(query, pageToken, maxResults, TOKEN_TAG, filterCompiler);
        return store.read(() -> {
            store.requireExperiment(query.experimentId(), "the scan");
            NavigableMap<ScanKey, String> index = byExperiment.getOrDefault(query.experimentId(), EMPTY);
            return KeysetPager.page(index, scan, id -> withAssessments(byId.get(id).trace()));
        });
    }

    @Override
    public long count(TraceQuery query) {
        KeysetPager.Scan scan = StoreArguments.scan(query, null, 1, TOKEN_TAG, filterCompiler);
        return store.read(() -> {
            store.requireExperiment(query.experimentId(), "the count");
            NavigableMap<ScanKey, String> index = byExperiment.getOrDefault(query.experimentId(), EMPTY);
            return KeysetPager.count(index, scan, query.filter() == null,
                    id -> withAssessments(byId.get(id).trace()));
        });
    }

    @Override
    public List<TailEntry> tail(long afterSequence, int limit) {
        StoreArguments.tail(afterSequence, limit);
        return store.read(() -> {
            List<TailEntry> out = new ArrayList<>(Math.min(limit, 256));
            for (Map.Entry<Long, String> e : arrivals.tailMap(afterSequence, false).entrySet()) {
                if (out.size() == limit) {
                    break;
                }
                out.add(new TailEntry(e.getKey(), withAssessments(byId.get(e.getValue()).trace())));
            }
            return List.copyOf(out);
        });
    }

    @Override
    public long count(String experimentId) {
        return store.read(() -> {
            NavigableMap<ScanKey, String> index = byExperiment.get(experimentId);
            return index == null ? 0L : (long) index.size();
        });
    }

    /** Call under the lock. */
    /** Call under the lock: every stored trace. */
    java.util.Collection<Trace> allLocked() {
        return byId.values().stream().map(Stored::trace).toList();
    }

    Trace traceLocked(String traceId) {
        Stored s = byId.get(traceId);
        return s == null ? null : s.trace();
    }

    /** Call under the lock: the traces of an experiment with request time in [from, to), in scan order. */
    List<Trace> rangeLocked(String experimentId, Instant from, Instant to) {
        NavigableMap<ScanKey, String> index = byExperiment.get(experimentId);
        if (index == null) {
            return List.of();
        }
        List<Trace> out = new ArrayList<>();
        for (String id : index.subMap(ScanKey.first(from), true, ScanKey.first(to), false).values()) {
            out.add(byId.get(id).trace());
        }
        return out;
    }

    private Trace withAssessments(Trace t) {
        return t.withAssessments(store.assessmentStore().listLocked(t.traceId()));
    }

    private static ScanKey keyOf(Trace t) {
        return new ScanKey(t.info().requestTime(), t.traceId());
    }
}
