package dev.vigil.spi.model;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One span of a trace: an LLM call, a retrieval, a tool call, a step of an agent.
 *
 * <p>MLflow keeps a span's type, inputs and outputs as JSON-encoded attributes ({@code mlflow.spanType},
 * {@code mlflow.spanInputs}, {@code mlflow.spanOutputs}); here they are first-class fields, and
 * {@link #attributes()} holds every other attribute, decoded.
 *
 * @param traceId the trace this span belongs to
 * @param spanId the span's id (unique within its trace)
 * @param parentSpanId the parent's id, or null for a root span
 * @param name the span name
 * @param startTimeUnixNano start, nanoseconds since the epoch (≥ 0)
 * @param endTimeUnixNano end, nanoseconds since the epoch, or 0 if the span has not ended
 * @param status the status
 * @param spanType the span type (see {@link SpanTypes}; an open set), never null
 * @param inputs the span inputs as a JSON value (see {@link Json}), or null
 * @param outputs the span outputs as a JSON value, or null
 * @param attributes every other attribute, decoded from JSON where it was JSON (immutable)
 * @param events the span events (immutable)
 */
public record Span(
        String traceId,
        String spanId,
        String parentSpanId,
        String name,
        long startTimeUnixNano,
        long endTimeUnixNano,
        SpanStatus status,
        String spanType,
        Object inputs,
        Object outputs,
        Map<String, Object> attributes,
        List<SpanEvent> events) {

    /** MLflow's attribute holding the JSON-encoded span type. */
    public static final String ATTR_SPAN_TYPE = "mlflow.spanType";
    /** MLflow's attribute holding the JSON-encoded span inputs. */
    public static final String ATTR_SPAN_INPUTS = "mlflow.spanInputs";
    /** MLflow's attribute holding the JSON-encoded span outputs. */
    public static final String ATTR_SPAN_OUTPUTS = "mlflow.spanOutputs";

    /** Validates and freezes. */
    @SuppressWarnings("unchecked")
    public Span {
        if (traceId == null || traceId.isEmpty()) {
            throw new InvalidInputException("span '" + name + "' has no trace id");
        }
        if (spanId == null || spanId.isEmpty()) {
            throw new InvalidInputException("span '" + name + "' in trace " + traceId + " has no span id");
        }
        if (startTimeUnixNano < 0 || endTimeUnixNano < 0) {
            throw new InvalidInputException("span " + spanId + " in trace " + traceId
                    + " has a negative time (start " + startTimeUnixNano + ", end " + endTimeUnixNano
                    + "); times are nanoseconds since the epoch, ≥ 0");
        }
        name = name == null ? "" : name;
        status = status == null ? SpanStatus.UNSET : status;
        spanType = spanType == null || spanType.isEmpty() ? SpanTypes.UNKNOWN : spanType;
        inputs = Json.freeze(inputs);
        outputs = Json.freeze(outputs);
        attributes = attributes == null ? Map.of() : (Map<String, Object>) Json.freeze(attributes);
        events = events == null ? List.of() : List.copyOf(events);
    }

    /** @return true if this span has no parent */
    public boolean isRoot() {
        return parentSpanId == null;
    }

    /**
     * @param key an attribute name
     * @return the decoded attribute value, or null
     */
    public Object attribute(String key) {
        return switch (key) {
            case ATTR_SPAN_TYPE -> spanType;
            case ATTR_SPAN_INPUTS -> inputs;
            case ATTR_SPAN_OUTPUTS -> outputs;
            default -> attributes.get(key);
        };
    }

    /** @return a builder with this span's values */
    public Builder toBuilder() {
        return new Builder().traceId(traceId).spanId(spanId).parentSpanId(parentSpanId).name(name)
                .startTimeUnixNano(startTimeUnixNano).endTimeUnixNano(endTimeUnixNano).status(status)
                .spanType(spanType).inputs(inputs).outputs(outputs).attributes(attributes).events(events);
    }

    /** @return a builder for a span */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Span}; the record constructor validates. */
    public static final class Builder {
        private String traceId;
        private String spanId;
        private String parentSpanId;
        private String name = "";
        private long startTimeUnixNano;
        private long endTimeUnixNano;
        private SpanStatus status = SpanStatus.UNSET;
        private String spanType = SpanTypes.UNKNOWN;
        private Object inputs;
        private Object outputs;
        private Map<String, Object> attributes = new LinkedHashMap<>();
        /** True while {@link #attributes} is a frozen map given to {@link #attributes(Map)}. */
        private boolean attributesShared;
        private List<SpanEvent> events = List.of();

        private Builder() {}

        /**
         * @param v trace id
         * @return this
         */
        public Builder traceId(String v) { this.traceId = v; return this; }
        /**
         * @param v span id
         * @return this
         */
        public Builder spanId(String v) { this.spanId = v; return this; }
        /**
         * @param v parent span id or null
         * @return this
         */
        public Builder parentSpanId(String v) { this.parentSpanId = v; return this; }
        /**
         * @param v name
         * @return this
         */
        public Builder name(String v) { this.name = v; return this; }
        /**
         * @param v start nanos
         * @return this
         */
        public Builder startTimeUnixNano(long v) { this.startTimeUnixNano = v; return this; }
        /**
         * @param v end nanos
         * @return this
         */
        public Builder endTimeUnixNano(long v) { this.endTimeUnixNano = v; return this; }
        /**
         * @param v status
         * @return this
         */
        public Builder status(SpanStatus v) { this.status = v; return this; }
        /**
         * @param v span type
         * @return this
         */
        public Builder spanType(String v) { this.spanType = v; return this; }
        /**
         * @param v inputs (JSON value)
         * @return this
         */
        public Builder inputs(Object v) { this.inputs = v; return this; }
        /**
         * @param v outputs (JSON value)
         * @return this
         */
        public Builder outputs(Object v) { this.outputs = v; return this; }
        /**
         * @param k key
         * @param v JSON value
         * @return this
         */
        public Builder attribute(String k, Object v) {
            Objects.requireNonNull(k);
            if (attributesShared) { // copy the shared frozen map before the first change
                attributes = new LinkedHashMap<>(attributes);
                attributesShared = false;
            }
            attributes.put(k, v);
            return this;
        }
        /**
         * @param v attributes, replacing any set before
         * @return this
         */
        public Builder attributes(Map<String, Object> v) {
            Objects.requireNonNull(v, "attributes");
            if (Json.isFrozen(v)) { // immutable all the way down: shared, and the span does not copy it either
                attributes = v;
                attributesShared = true;
            } else {
                attributes = new LinkedHashMap<>(v);
                attributesShared = false;
            }
            return this;
        }
        /**
         * @param v events
         * @return this
         */
        public Builder events(List<SpanEvent> v) { this.events = v; return this; }

        /** @return the span */
        public Span build() {
            return new Span(traceId, spanId, parentSpanId, name, startTimeUnixNano, endTimeUnixNano, status,
                    spanType, inputs, outputs, attributes, events);
        }
    }
}
