package dev.vigil.spi.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanStatusCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.vigil.spi.json.MlflowJsonFields.*;

/**
 * Reads one MLflow span: the MLflow 3 dict form ({@code span_id}, {@code start_time_unix_nano}, attributes as a map
 * of JSON-encoded values), the MLflow 2 form ({@code context.span_id}, {@code parent_id}, {@code start_time},
 * {@code status_code}, numeric OpenTelemetry codes too) and the REST/proto form (OpenTelemetry protobuf JSON:
 * attributes as a {@code KeyValue} list of {@code AnyValue}s, snake or camel case).
 */
final class MlflowSpanReader {

    private MlflowSpanReader() {}

    static Span readSpan(JsonNode s, String mlflowTraceId) {
        if (!s.isObject()) {
            throw new InvalidInputException("each span must be a JSON object");
        }
        if (isProtoForm(s)) {
            s = fromProtoForm(s);
        }
        boolean v2 = s.has("context");
        String spanId;
        String parent;
        long start;
        long end;
        SpanStatus status;
        if (v2) {
            JsonNode ctx = s.get("context");
            spanId = normaliseId(text(ctx, "span_id"), 8);
            parent = normaliseId(text(s, "parent_id"), 8);
            start = nanos(s.get("start_time"), "start_time");
            end = nanos(s.get("end_time"), "end_time");
            String code = text(s, "status_code");
            if (code == null && s.get("status") != null && s.get("status").isObject()) {
                code = text(s.get("status"), "status_code");
            }
            status = new SpanStatus(statusCode(code), text(s, "status_message"));
        } else {
            spanId = normaliseId(text(s, "span_id"), 8);
            parent = normaliseId(text(s, "parent_span_id"), 8);
            start = nanos(s.get("start_time_unix_nano"), "start_time_unix_nano");
            end = nanos(s.get("end_time_unix_nano"), "end_time_unix_nano");
            JsonNode st = s.get("status");
            status = st == null || st.isNull() ? SpanStatus.UNSET
                    : st.isTextual() ? new SpanStatus(statusCode(st.textValue()), "")
                    : new SpanStatus(statusCode(text(st, "code")), text(st, "message"));
        }
        if (parent != null && parent.isEmpty()) {
            parent = null;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        JsonNode attrs = s.get("attributes");
        if (attrs != null && attrs.isObject()) {
            attrs.properties().forEach(e -> attributes.put(e.getKey(), decodeAttribute(e.getValue())));
        }
        Object spanType = attributes.remove(Span.ATTR_SPAN_TYPE);
        if (spanType == null && s.hasNonNull("span_type")) {
            spanType = s.get("span_type").asText();
        }
        Object inputs = attributes.containsKey(Span.ATTR_SPAN_INPUTS) ? attributes.remove(Span.ATTR_SPAN_INPUTS)
                : s.has("inputs") ? Json.fromNode(s.get("inputs")) : null;
        Object outputs = attributes.containsKey(Span.ATTR_SPAN_OUTPUTS) ? attributes.remove(Span.ATTR_SPAN_OUTPUTS)
                : s.has("outputs") ? Json.fromNode(s.get("outputs")) : null;
        List<SpanEvent> events = new ArrayList<>();
        JsonNode evs = s.get("events");
        if (evs != null && evs.isArray()) {
            for (JsonNode e : evs) {
                JsonNode t = e.has("time_unix_nano") ? e.get("time_unix_nano") : e.get("timestamp");
                @SuppressWarnings("unchecked")
                Map<String, Object> ea = e.has("attributes") ? (Map<String, Object>) Json.fromNode(e.get("attributes")) : Map.of();
                events.add(new SpanEvent(text(e, "name"), t == null ? 0 : nanos(t, "event time"), ea));
            }
        }
        return new Span(mlflowTraceId, spanId, parent, text(s, "name"), start, end, status,
                spanType == null ? null : spanType.toString(), inputs, outputs, attributes, events);
    }

    /** MLflow stores attribute values JSON-encoded; a value that is not JSON text is kept as it is. */
    private static Object decodeAttribute(JsonNode v) {
        if (v.isTextual()) {
            String t = v.textValue();
            try {
                return Json.fromNode(Json.mapper().readTree(t));
            } catch (JsonProcessingException | RuntimeException e) {
                return t;
            }
        }
        return Json.fromNode(v);
    }

    private static SpanStatusCode statusCode(String code) {
        if (code == null || code.isEmpty()) {
            return SpanStatusCode.UNSET;
        }
        return switch (code) {
            // OpenTelemetry's numeric codes, as MLflow's V2 and OTLP forms may write them: 0 unset, 1 ok, 2 error
            case "0" -> SpanStatusCode.UNSET;
            case "1" -> SpanStatusCode.OK;
            case "2" -> SpanStatusCode.ERROR;
            case "STATUS_CODE_OK", "OK" -> SpanStatusCode.OK;
            case "STATUS_CODE_ERROR", "ERROR" -> SpanStatusCode.ERROR;
            case "STATUS_CODE_UNSET", "UNSET" -> SpanStatusCode.UNSET;
            default -> throw new InvalidInputException("unknown span status code '" + code
                    + "'; allowed: STATUS_CODE_OK, STATUS_CODE_ERROR, STATUS_CODE_UNSET (or OK, ERROR, UNSET, or 1, 2, 0)");
        };
    }

    // ------------------------------------------------------------------ the REST/proto form

    /** @return true for an OpenTelemetry protobuf-JSON span (camel-case ids, or attributes as a key-value list) */
    private static boolean isProtoForm(JsonNode s) {
        JsonNode attrs = s.get("attributes");
        return s.has("spanId") || s.has("startTimeUnixNano") || (attrs != null && attrs.isArray());
    }

    /** The REST/proto span (snake or camel case, {@code KeyValue} attributes) as the MLflow 3 dict form. */
    private static JsonNode fromProtoForm(JsonNode s) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        copy(s, d, "trace_id", "traceId");
        copy(s, d, "span_id", "spanId");
        copy(s, d, "parent_span_id", "parentSpanId");
        copy(s, d, "name", "name");
        copy(s, d, "start_time_unix_nano", "startTimeUnixNano");
        copy(s, d, "end_time_unix_nano", "endTimeUnixNano");
        JsonNode st = s.get("status");
        if (st != null && st.isObject()) {
            d.set("status", st);
        }
        d.set("attributes", keyValues(s.get("attributes")));
        ArrayNode events = d.putArray("events");
        JsonNode evs = s.get("events");
        if (evs != null && evs.isArray()) {
            for (JsonNode e : evs) {
                ObjectNode en = events.addObject();
                copy(e, en, "name", "name");
                copy(e, en, "time_unix_nano", "timeUnixNano");
                en.set("attributes", keyValues(e.get("attributes")));
            }
        }
        return d;
    }

    private static void copy(JsonNode from, ObjectNode to, String snake, String camel) {
        JsonNode v = from.has(snake) ? from.get(snake) : from.get(camel);
        if (v != null && !v.isNull()) {
            to.set(snake, v);
        }
    }

    /** A {@code KeyValue} list as an object of plain JSON values (a map is accepted as it is). */
    private static JsonNode keyValues(JsonNode list) {
        if (list == null || list.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (list.isObject()) {
            return list;
        }
        if (!list.isArray()) {
            throw new InvalidInputException("span \"attributes\" must be an object or a list of {\"key\", \"value\"},"
                    + " got " + list.getNodeType());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (JsonNode kv : list) {
            JsonNode key = kv.get("key");
            if (key == null || !key.isTextual()) {
                throw new InvalidInputException("a span attribute in the key-value form has no \"key\": " + kv);
            }
            out.set(key.textValue(), anyValue(kv.get("value")));
        }
        return out;
    }

    /** An OpenTelemetry {@code AnyValue} in protobuf JSON (snake or camel case) as a plain JSON node. */
    private static JsonNode anyValue(JsonNode v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null || v.isNull() || !v.isObject()) {
            return f.nullNode();
        }
        for (var e : v.properties()) {
            JsonNode x = e.getValue();
            switch (e.getKey()) {
                case "string_value", "stringValue", "bytes_value", "bytesValue" -> {
                    return f.textNode(x.asText());
                }
                case "bool_value", "boolValue" -> {
                    return f.booleanNode(x.isBoolean() ? x.booleanValue() : Boolean.parseBoolean(x.asText()));
                }
                case "int_value", "intValue" -> {
                    try {
                        return f.numberNode(x.isNumber() ? x.longValue() : Long.parseLong(x.asText().strip()));
                    } catch (NumberFormatException bad) {
                        throw new InvalidInputException("span attribute int_value must be a 64-bit integer, got "
                                + x);
                    }
                }
                case "double_value", "doubleValue" -> {
                    return f.numberNode(x.asDouble());
                }
                case "array_value", "arrayValue" -> {
                    ArrayNode a = f.arrayNode();
                    JsonNode values = x.get("values");
                    if (values != null && values.isArray()) {
                        values.forEach(item -> a.add(anyValue(item)));
                    }
                    return a;
                }
                case "kvlist_value", "kvlistValue" -> {
                    return keyValues(x.get("values"));
                }
                default -> { }
            }
        }
        return f.nullNode();
    }
}
