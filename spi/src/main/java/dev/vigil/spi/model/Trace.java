package dev.vigil.spi.model;

import dev.vigil.spi.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A trace: its info and its spans, MLflow 3's {@code Trace} ({@code {"info": ..., "data": {"spans": [...]}}}).
 *
 * @param info the summary
 * @param spans the spans, in the order they were logged (immutable)
 */
public record Trace(TraceInfo info, List<Span> spans) {

    /** Freezes the span list; {@link #validateForStorage()} checks that every span carries this trace's id. */
    public Trace {
        Objects.requireNonNull(info, "info");
        spans = spans == null ? List.of() : List.copyOf(spans);
    }

    /** @return the trace id */
    public String traceId() {
        return info.traceId();
    }

    /** @return the experiment id */
    public String experimentId() {
        return info.experimentId();
    }

    /** @return a copy with other assessments in its info */
    public Trace withAssessments(List<Assessment> assessments) {
        return new Trace(info.withAssessments(assessments), spans);
    }

    /**
     * The root span: the first span without a parent, or failing that the first span whose parent is not in
     * the trace (a partial trace).
     *
     * @return the root span, or empty for a trace without spans
     */
    public Optional<Span> rootSpan() {
        for (Span s : spans) {
            if (s.isRoot()) {
                return Optional.of(s);
            }
        }
        Map<String, Span> byId = byId();
        for (Span s : spans) {
            if (!byId.containsKey(s.parentSpanId())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * @param spanType a span type
     * @return the spans of that type, in order
     */
    public List<Span> spansOfType(String spanType) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans) {
            if (s.spanType().equals(spanType)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Spans of a type that have no ancestor of the same type, as MLflow picks "top-level" RETRIEVER spans for
     * the retrieval judges.
     *
     * @param spanType a span type
     * @return those spans, in order
     */
    public List<Span> topLevelSpansOfType(String spanType) {
        Map<String, Span> byId = byId();
        List<Span> out = new ArrayList<>();
        for (Span s : spans) {
            if (!s.spanType().equals(spanType)) {
                continue;
            }
            boolean nested = false;
            String parent = s.parentSpanId();
            int guard = spans.size();
            while (parent != null && guard-- > 0) {
                Span p = byId.get(parent);
                if (p == null) {
                    break;
                }
                if (p.spanType().equals(spanType)) {
                    nested = true;
                    break;
                }
                parent = p.parentSpanId();
            }
            if (!nested) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * MLflow's {@code Trace.search_spans(span_type=..., name=...)}: the spans matching every criterion given, in
     * order. A null criterion matches any span; the name must be equal.
     *
     * @param spanType a span type (e.g. {@link SpanTypes#RETRIEVER}), or null for any
     * @param name a span name, or null for any
     * @return the matching spans
     */
    public List<Span> searchSpans(String spanType, String name) {
        return searchSpans(spanType, name == null ? null : s -> s.equals(name));
    }

    /**
     * MLflow's {@code Trace.search_spans(span_type=..., name=re.compile(...))}: as with Python's
     * {@code pattern.search}, the pattern may match anywhere in the name ({@code ^}/{@code $} anchor it).
     *
     * @param spanType a span type, or null for any
     * @param name a pattern searched in span names, or null for any
     * @return the matching spans, in order
     */
    public List<Span> searchSpans(String spanType, java.util.regex.Pattern name) {
        return searchSpans(spanType, name == null ? null : s -> name.matcher(s).find());
    }

    private List<Span> searchSpans(String spanType, java.util.function.Predicate<String> name) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans) {
            if ((spanType == null || s.spanType().equals(spanType)) && (name == null || name.test(s.name()))) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * @param spanId a span id
     * @return the span with that id
     */
    public Optional<Span> span(String spanId) {
        for (Span s : spans) {
            if (s.spanId().equals(spanId)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private Map<String, Span> byId() {
        Map<String, Span> byId = new HashMap<>();
        for (Span s : spans) {
            byId.put(s.spanId(), s);
        }
        return byId;
    }

    /**
     * Checks what a store needs before it accepts a trace.
     *
     * @throws InvalidInputException naming the first problem found
     */
    public void validateForStorage() {
        for (Span s : spans) {
            if (!s.traceId().equals(info.traceId())) {
                throw new InvalidInputException("span " + s.spanId() + " carries trace id " + s.traceId()
                        + " but belongs to trace " + info.traceId());
            }
        }
    }
}
