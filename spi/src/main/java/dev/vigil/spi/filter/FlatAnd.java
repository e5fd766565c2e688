package dev.vigil.spi.filter;

import dev.vigil.spi.filter.TracePredicates.DurationIn;
import dev.vigil.spi.filter.TracePredicates.EndTimeIn;
import dev.vigil.spi.filter.TracePredicates.MetadataEq;
import dev.vigil.spi.filter.TracePredicates.SpanNameEq;
import dev.vigil.spi.filter.TracePredicates.SpanTypeEq;
import dev.vigil.spi.filter.TracePredicates.StatusEq;
import dev.vigil.spi.filter.TracePredicates.TagEq;
import dev.vigil.spi.filter.TracePredicates.TimestampIn;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An AND whose operands include the common single-field comparisons, flattened into one class: at most one
 * comparison of each kind (status, tag, metadata, timestamp, duration, end time, span type, span name) sits in a
 * slot of this object and is tested inline, reading the trace's fields directly, so a filter such as
 * {@code status = 'OK' AND tags.env = 'prod' AND execution_time_ms > 1000 AND span.type = 'RETRIEVER'} is one
 * call with no interface call per operand (each of which C2 guards with a class check). The other operands (a
 * second comparison of a kind already held, or any other form) are tested after the slots, in their order, as
 * {@link #rest}.
 *
 * <p>Decides exactly as the AND of its operands: every operand is a pure function of the trace, so the order in
 * which they are tested changes nothing but which operand says false first.
 */
final class FlatAnd implements Predicate<Trace> {

    private final boolean testsState;
    private final TraceState state; // null: no state has the name compared with, never equal
    private final String tagKey;
    private final String tagValue;
    private final String metadataKey;
    private final String metadataValue;
    private final boolean testsTimestamp;
    private final long timestampLo;
    private final long timestampHi;
    private final boolean testsDuration;
    private final long durationLo;
    private final long durationHi;
    private final boolean testsEnd;
    private final long endLo;
    private final long endHi;
    private final String spanType;
    private final String spanName;
    private final Predicate<Trace> rest;
    private final boolean testsOthers;

    private FlatAnd(Slots s, Predicate<Trace> rest) {
        testsState = s.state != null;
        state = s.state == null ? null : s.state.state();
        tagKey = s.tag == null ? null : s.tag.key();
        tagValue = s.tag == null ? null : s.tag.value();
        metadataKey = s.metadata == null ? null : s.metadata.key();
        metadataValue = s.metadata == null ? null : s.metadata.value();
        testsTimestamp = s.timestamp != null;
        timestampLo = s.timestamp == null ? 0 : s.timestamp.lo();
        timestampHi = s.timestamp == null ? 0 : s.timestamp.hi();
        testsDuration = s.duration != null;
        durationLo = s.duration == null ? 0 : s.duration.lo();
        durationHi = s.duration == null ? 0 : s.duration.hi();
        testsEnd = s.end != null;
        endLo = s.end == null ? 0 : s.end.lo();
        endHi = s.end == null ? 0 : s.end.hi();
        spanType = s.spanType == null ? null : s.spanType.value();
        spanName = s.spanName == null ? null : s.spanName.value();
        this.rest = rest;
        testsOthers = metadataKey != null || testsTimestamp || testsEnd || spanName != null || rest != null;
    }

    /**
     * @param parts the compiled operands of an AND, in order
     * @param combine how the operands left out of the slots are combined (the evaluator's AND of an arity)
     * @return the flattened AND, or null if no operand fills a slot
     */
    static Predicate<Trace> of(Predicate<Trace>[] parts,
            java.util.function.Function<List<Predicate<Trace>>, Predicate<Trace>> combine) {
        Slots s = new Slots();
        List<Predicate<Trace>> rest = new ArrayList<>();
        for (Predicate<Trace> p : parts) {
            if (!s.take(p)) {
                rest.add(p);
            }
        }
        if (rest.size() == parts.length) {
            return null;
        }
        return new FlatAnd(s, rest.isEmpty() ? null : rest.size() == 1 ? rest.get(0) : combine.apply(rest));
    }

    @Override
    public boolean test(Trace t) {
        // The slots of the commonest filters first, written out in this method; the others in othersHold, so that
        // this method stays small enough (under C2's 325-byte limit for a hot method) to be inlined into a caller.
        TraceInfo i = t.info();
        if (testsState && i.state() != state) {
            return false;
        }
        if (tagKey != null && !tagValue.equals(i.tags().get(tagKey))) {
            return false;
        }
        if (testsDuration) {
            Long d = i.executionDurationMs();
            if (d == null || d < durationLo || d > durationHi) {
                return false;
            }
        }
        String type = spanType;
        if (type != null) {
            List<Span> spans = t.spans();
            int k = 0;
            for (int n = spans.size(); k < n && !type.equals(spans.get(k).spanType()); k++) {
                // next span
            }
            if (k == spans.size()) {
                return false;
            }
        }
        return !testsOthers || othersHold(t, i);
    }

    /** The metadata, timestamp, end-time and span-name slots, then the rest. */
    private boolean othersHold(Trace t, TraceInfo i) {
        if (metadataKey != null && !metadataValue.equals(i.traceMetadata().get(metadataKey))) {
            return false;
        }
        if (testsTimestamp) {
            long v = i.timestampMs();
            if (v < timestampLo || v > timestampHi) {
                return false;
            }
        }
        if (testsEnd) {
            Long d = i.executionDurationMs();
            if (d == null) {
                return false;
            }
            long end = i.timestampMs() + d;
            if (end < endLo || end > endHi) {
                return false;
            }
        }
        // some span has the type, and some span (not necessarily the same) the name
        if (spanName != null && !anySpanName(t.spans(), spanName)) {
            return false;
        }
        return rest == null || rest.test(t);
    }

    private static boolean anySpanName(List<Span> spans, String name) {
        for (int k = 0, n = spans.size(); k < n; k++) {
            if (name.equals(spans.get(k).name())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "FlatAnd[state=" + (testsState ? state : "-") + ", tag=" + (tagKey == null ? "-"
                : Map.entry(tagKey, tagValue)) + ", metadata=" + (metadataKey == null ? "-"
                : Map.entry(metadataKey, metadataValue)) + ", timestamp=" + (testsTimestamp
                ? "[" + timestampLo + ", " + timestampHi + "]" : "-") + ", duration=" + (testsDuration
                ? "[" + durationLo + ", " + durationHi + "]" : "-") + ", end=" + (testsEnd
                ? "[" + endLo + ", " + endHi + "]" : "-") + ", span.type=" + spanType + ", span.name=" + spanName
                + ", rest=" + rest + "]";
    }

    /** The slots while building: the first specialised comparison of each kind. */
    private static final class Slots {
        StatusEq state;
        TagEq tag;
        MetadataEq metadata;
        TimestampIn timestamp;
        DurationIn duration;
        EndTimeIn end;
        SpanTypeEq spanType;
        SpanNameEq spanName;

        /** @return true if the predicate went into a free slot */
        boolean take(Predicate<Trace> p) {
            switch (p) {
                case StatusEq x when state == null -> state = x;
                case TagEq x when tag == null -> tag = x;
                case MetadataEq x when metadata == null -> metadata = x;
                case TimestampIn x when timestamp == null -> timestamp = x;
                case DurationIn x when duration == null -> duration = x;
                case EndTimeIn x when end == null -> end = x;
                case SpanTypeEq x when spanType == null -> spanType = x;
                case SpanNameEq x when spanName == null -> spanName = x;
                default -> {
                    return false;
                }
            }
            return true;
        }
    }
}
