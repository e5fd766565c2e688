package dev.vigil.python.internal;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyHashMap;
import org.graalvm.polyglot.proxy.ProxyIterator;

/**
 * Passes Vigil's immutable JSON values into Python without a JSON round trip: read-only proxies that Python sees
 * as {@code dict} and {@code list} subclasses (GraalPy's {@code ForeignDict}/{@code ForeignList}). Nested values
 * are wrapped when they are read, so a scorer that reads one key pays for one key.
 */
final class GuestArguments {
    private GuestArguments() {}

    /** @param value a frozen JSON value @return what to hand to Python */
    static Object wrap(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double) {
            return value;
        }
        if (value instanceof Map<?, ?> m) {
            return new MapProxy(m);
        }
        if (value instanceof List<?> l) {
            return new ListProxy(l);
        }
        if (value instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (value instanceof Number n) {
            return n;
        }
        return value.toString();
    }

    /** @param trace a trace or null @return a lazily built MLflow-shaped view of it, or null */
    static Object trace(Trace trace) {
        return trace == null ? null : new TraceProxy(trace);
    }

    /**
     * @param turns a session's traces, in turn order
     * @return a read-only array of lazily built trace views (the harness wraps each as a {@code Trace})
     */
    static Object session(List<Trace> turns) {
        Object[] views = new Object[turns.size()];
        for (int i = 0; i < views.length; i++) {
            views[i] = new TraceProxy(turns.get(i));
        }
        return ProxyArray.fromArray(views);
    }

    private static UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("scorer arguments are read-only: copy them first (dict(x), list(x))");
    }

    /** A read-only map. */
    static final class MapProxy implements ProxyHashMap {
        private final Map<?, ?> map;

        MapProxy(Map<?, ?> map) {
            this.map = map;
        }

        @Override
        public long getHashSize() {
            return map.size();
        }

        @Override
        public boolean hasHashEntry(Value key) {
            return key.isString() && map.containsKey(key.asString());
        }

        @Override
        public Object getHashValue(Value key) {
            return key.isString() ? wrap(map.get(key.asString())) : null;
        }

        @Override
        public void putHashEntry(Value key, Value value) {
            throw readOnly();
        }

        @Override
        public boolean removeHashEntry(Value key) {
            throw readOnly();
        }

        @Override
        public Object getHashEntriesIterator() {
            var it = map.entrySet().iterator();
            return new ProxyIterator() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Object getNext() {
                    var e = it.next();
                    return ProxyArray.fromArray(e.getKey(), wrap(e.getValue()));
                }
            };
        }
    }

    /** A read-only list. */
    static final class ListProxy implements ProxyArray {
        private final List<?> list;

        ListProxy(List<?> list) {
            this.list = list;
        }

        @Override
        public Object get(long index) {
            if (index < 0 || index >= list.size()) {
                throw new ArrayIndexOutOfBoundsException((int) index);
            }
            return wrap(list.get((int) index));
        }

        @Override
        public void set(long index, Value value) {
            throw readOnly();
        }

        @Override
        public boolean remove(long index) {
            throw readOnly();
        }

        @Override
        public long getSize() {
            return list.size();
        }
    }

    /** The trace as {@code {"info": {...}, "spans": [...]}}, built on first read (the harness wraps it). */
    static final class TraceProxy implements ProxyHashMap {
        private final Trace trace;
        private Map<String, Object> built;

        TraceProxy(Trace trace) {
            this.trace = trace;
        }

        private Map<String, Object> built() {
            if (built == null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("info", info(trace.info()));
                List<Object> spans = new ArrayList<>();
                for (Span s : trace.spans()) {
                    spans.add(span(s));
                }
                m.put("spans", spans);
                built = m;
            }
            return built;
        }

        @Override
        public long getHashSize() {
            return 2;
        }

        @Override
        public boolean hasHashEntry(Value key) {
            return key.isString() && built().containsKey(key.asString());
        }

        @Override
        public Object getHashValue(Value key) {
            return key.isString() ? wrap(built().get(key.asString())) : null;
        }

        @Override
        public void putHashEntry(Value key, Value value) {
            throw readOnly();
        }

        @Override
        public boolean removeHashEntry(Value key) {
            throw readOnly();
        }

        @Override
        public Object getHashEntriesIterator() {
            return new MapProxy(built()).getHashEntriesIterator();
        }
    }

    /** MLflow's {@code TraceInfo} attribute names. */
    static Map<String, Object> info(TraceInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trace_id", info.traceId());
        m.put("request_id", info.traceId());
        m.put("experiment_id", info.experimentId());
        m.put("client_request_id", info.clientRequestId());
        m.put("request_time", info.timestampMs());
        m.put("timestamp_ms", info.timestampMs());
        m.put("execution_duration", info.executionDurationMs());
        m.put("execution_time_ms", info.executionDurationMs());
        m.put("state", info.state().name());
        m.put("status", info.state().name());
        m.put("request_preview", info.requestPreview());
        m.put("response_preview", info.responsePreview());
        m.put("trace_metadata", info.traceMetadata());
        m.put("request_metadata", info.traceMetadata());
        m.put("tags", info.tags());
        List<Object> assessments = new ArrayList<>();
        for (Assessment a : info.assessments()) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("name", a.name());
            am.put("assessment_id", a.assessmentId());
            am.put("span_id", a.spanId());
            am.put("rationale", a.rationale());
            am.put("valid", a.valid());
            am.put("value", a.value() instanceof dev.vigil.spi.model.FeedbackValue f ? f.value()
                    : a.value() instanceof dev.vigil.spi.model.ExpectationValue e ? e.value() : null);
            assessments.add(am);
        }
        m.put("assessments", assessments);
        return m;
    }

    /** MLflow's {@code Span} attribute names. */
    static Map<String, Object> span(Span s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trace_id", s.traceId());
        m.put("span_id", s.spanId());
        m.put("parent_id", s.parentSpanId());
        m.put("name", s.name());
        m.put("span_type", s.spanType());
        m.put("start_time_ns", s.startTimeUnixNano());
        m.put("end_time_ns", s.endTimeUnixNano());
        m.put("status", Map.of("status_code", s.status().code().name(), "description", s.status().message()));
        m.put("inputs", s.inputs());
        m.put("outputs", s.outputs());
        m.put("attributes", s.attributes());
        List<Object> events = new ArrayList<>();
        for (SpanEvent e : s.events()) {
            events.add(Map.of("name", e.name(), "attributes", e.attributes()));
        }
        m.put("events", events);
        return m;
    }
}
