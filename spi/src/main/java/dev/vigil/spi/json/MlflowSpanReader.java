package dev.vigil.spi.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
}
