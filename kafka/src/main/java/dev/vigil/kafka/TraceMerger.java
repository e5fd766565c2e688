package dev.vigil.kafka;

import dev.vigil.otel.OtlpMapper;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Store;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the partial traces of a batch of records into the stored traces and writes them, durably, before the
 * batch is scored.
 *
 * <p>Spans are keyed by span id, so a record delivered twice (after a crash or a rebalance) changes nothing. A
 * trace completes when its root span has ended (OTLP) or when its own state says so (MLflow JSON); until then it is
 * stored {@code IN_PROGRESS} and the next records of the same trace (on the same partition, since the Collector
 * partitions by trace id) complete it. No trace is held only in memory, so a partition's offset can move past a
 * record as soon as its spans are stored and its complete traces scored. A span arriving after its trace completed
 * updates the stored trace and keeps its assessments: the engine does not score a pair twice.
 */
final class TraceMerger {

    private static final Set<String> ENTRY_KINDS = Set.of("SERVER", "CONSUMER");

    private final Store store;

    TraceMerger(Store store) {
        this.store = store;
    }

    /**
     * @param partials partial traces in record order (several may share a trace id)
     * @return the merged traces as stored, one per trace id
     */
    List<Trace> mergeAndStore(List<Trace> partials) {
        Map<String, Trace> byId = new LinkedHashMap<>();
        for (Trace p : partials) {
            byId.merge(p.traceId(), completeOnlyWithRoot(p), TraceMerger::combine);
        }
        List<Trace> writes = new ArrayList<>();
        List<Trace> out = new ArrayList<>(byId.size());
        for (Trace incoming : byId.values()) {
            Trace stored = store.traces().get(incoming.traceId()).orElse(null);
            if (stored == null) {
                writes.add(incoming);
                out.add(incoming);
                continue;
            }
            Trace merged = combine(stored, incoming);
            boolean unchanged = byIdMap(stored.spans()).equals(byIdMap(merged.spans()))
                    && stored.info().state() == merged.info().state();
            if (!unchanged) {
                writes.add(merged);
            }
            out.add(unchanged ? stored : merged);
        }
        if (!writes.isEmpty()) {
            store.traces().put(writes);
        }
        return out;
    }

    /** Combines two versions of one trace: spans merged by id, tags/metadata/assessments of the earlier kept. */
    private static Trace combine(Trace earlier, Trace later) {
        if (!isOtlp(later) && !isOtlp(earlier)) {
            return keep(later, earlier); // MLflow JSON: a whole trace each time, the later one wins
        }
        Map<String, Span> spans = byIdMap(earlier.spans());
        later.spans().forEach(s -> spans.put(s.spanId(), s));
        Trace assembled;
        try {
            assembled = OtlpMapper.assemble(later.traceId(), later.experimentId(), new ArrayList<>(spans.values()),
                    Map.of());
        } catch (RuntimeException e) {
            return keep(later, earlier); // no root span yet in either: keep the newer batch's view
        }
        return keep(completeOnlyWithRoot(assembled), earlier);
    }

    /**
     * An OTLP trace is complete only once its local root has ended: a span without parent, or the entry span of a
     * request from a remote caller (kind SERVER or CONSUMER, its parent not among the trace's spans). A batch
     * holding only inner spans (the root still running or in a later record) stays IN_PROGRESS, whatever span the
     * mapper took for its root.
     */
    static Trace completeOnlyWithRoot(Trace t) {
        if (!isOtlp(t) || !t.info().state().isComplete()) {
            return t;
        }
        Set<String> ids = new HashSet<>();
        t.spans().forEach(s -> ids.add(s.spanId()));
        boolean rootEnded = t.spans().stream().anyMatch(s -> s.endTimeUnixNano() != 0 && (s.isRoot()
                || !ids.contains(s.parentSpanId()) && ENTRY_KINDS.contains(
                        String.valueOf(s.attributes().get("otel.span.kind")))));
        if (rootEnded) {
            return t;
        }
        TraceInfo i = t.info();
        return new Trace(new TraceInfo(i.traceId(), i.experimentId(), i.requestTime(), null, TraceState.IN_PROGRESS,
                i.requestPreview(), i.responsePreview(), i.clientRequestId(), i.traceMetadata(), i.tags(),
                i.assessments()), t.spans());
    }

    private static boolean isOtlp(Trace t) {
        return "otlp".equals(t.info().traceMetadata().get(OtlpMapper.METADATA_SOURCE));
    }

    private static Trace keep(Trace t, Trace earlier) {
        TraceInfo i = t.info();
        Map<String, String> md = new TreeMap<>(earlier.info().traceMetadata());
        md.putAll(i.traceMetadata());
        Map<String, String> tags = new TreeMap<>(earlier.info().tags());
        tags.putAll(i.tags());
        return new Trace(new TraceInfo(i.traceId(), earlier.experimentId(), i.requestTime(), i.executionDurationMs(),
                i.state(), i.requestPreview(), i.responsePreview(), i.clientRequestId(), md, tags,
                earlier.info().assessments().isEmpty() ? i.assessments() : earlier.info().assessments()),
                t.spans());
    }

    private static Map<String, Span> byIdMap(List<Span> spans) {
        Map<String, Span> m = new TreeMap<>();
        spans.forEach(s -> m.put(s.spanId(), s));
        return m;
    }
}
