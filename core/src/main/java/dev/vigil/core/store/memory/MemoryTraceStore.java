package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.spi.store.TraceStore;
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
        if (traces == null) {
            throw new InvalidInputException("put needs a list of traces, got null");
        }
        List<Trace> batch = new ArrayList<>(traces.size());
        for (int i = 0; i < traces.size(); i++) {
            Trace t = traces.get(i);
            if (t == null) {
                throw new InvalidInputException("trace " + i + " of the batch is null; nothing was written");
            }
            t.validateForStorage();
            dev.vigil.spi.store.WriteLimits.DEFAULTS.check(t);
            batch.add(t.info().assessments().isEmpty() ? t : t.withAssessments(List.of()));
        }
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
        if (query == null) {
            throw new InvalidInputException("scan needs a query, got null");
        }
        if (maxResults < 1) {
            throw new InvalidInputException("page size must be 1 or more, got " + maxResults);
        }
        PageToken after = pageToken == null ? null : PageToken.decode(pageToken, query.experimentId());
        // compiled outside the lock; a bad filter fails here, before anything is read
        Predicate<Trace> filter = query.filter() == null ? null : filterCompiler.apply(query.filter());
        return store.read(() -> {
            store.requireExperiment(query.experimentId(), "the scan");
            NavigableMap<ScanKey, String> index = byExperiment.getOrDefault(query.experimentId(), new TreeMap<>());
            // [from, to): the lowest possible key at `from` up to the lowest possible key at `to`, exclusive
            NavigableMap<ScanKey, String> range =
                    index.subMap(new ScanKey(query.from(), ""), true, new ScanKey(query.to(), ""), false);
            if (after != null) {
                range = range.tailMap(after.key(), false);
            }
            List<Trace> page = new ArrayList<>(Math.min(maxResults, 256));
            ScanKey last = null;
            for (Map.Entry<ScanKey, String> e : range.entrySet()) {
                Trace t = withAssessments(byId.get(e.getValue()).trace());
                if (filter != null && !filter.test(t)) {
                    continue;
                }
                if (page.size() == maxResults) {
                    // another match exists past this page
                    return new TracePage(page, new PageToken(query.experimentId(), last).encode());
                }
                page.add(t);
                last = e.getKey();
            }
            return new TracePage(page, null);
        });
    }

    @Override
    public List<TailEntry> tail(long afterSequence, int limit) {
        if (afterSequence < 0) {
            throw new InvalidInputException("tail cursor must be 0 or more, got " + afterSequence);
        }
        if (limit < 1) {
            throw new InvalidInputException("tail limit must be 1 or more, got " + limit);
        }
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
        for (String id : index.subMap(new ScanKey(from, ""), true, new ScanKey(to, ""), false).values()) {
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
