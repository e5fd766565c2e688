package dev.vigil.otel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanStatusCode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the OTLP/JSON mapping of an {@code ExportTraceServiceRequest} into {@link OtlpSpan}s: hex or base64 ids,
 * 64-bit integers as strings or numbers, enums as numbers or names, a single {@code ResourceSpans} object, the old
 * {@code instrumentationLibrarySpans} key, and the protobuf.js decoded form ({@code {"type": "Buffer", "data":
 * [...]}} ids, {@code {"low", "high"}} longs) that some collectors log.
 */
final class OtlpJsonReader {

    private static final HexFormat HEX = HexFormat.of();

    private OtlpJsonReader() {}

    /**
     * @param root an {@code ExportTraceServiceRequest} (or one {@code ResourceSpans}) in the OTLP/JSON mapping
     * @param visitor receives the resources and their spans; a span that cannot be read is passed to
     *     {@link OtlpSpan.Visitor#rejected} and the others are read
     */
    static void read(JsonNode root, OtlpSpan.Visitor visitor) {
        List<JsonNode> resources = new ArrayList<>();
        if (root.has("resourceSpans")) {
            root.get("resourceSpans").forEach(resources::add);
        } else {
            resources.add(root);
        }
        for (JsonNode rs : resources) {
            visitor.resource(attributes(rs.path("resource").path("attributes")));
            JsonNode scopes = rs.has("scopeSpans") ? rs.get("scopeSpans") : rs.path("instrumentationLibrarySpans");
            for (JsonNode ss : scopes) {
                for (JsonNode s : ss.path("spans")) {
                    OtlpSpan span;
                    try {
                        span = span(s);
                    } catch (InvalidInputException | IllegalArgumentException e) {
                        visitor.rejected(e.getMessage());
                        continue;
                    }
                    visitor.span(span);
                }
            }
        }
    }

    private static OtlpSpan span(JsonNode s) {
        String traceId = id(s.get("traceId"), 16, "traceId");
        if (OtlpSpan.isEmptyId(traceId)) {
            throw new InvalidInputException("OTLP span has an empty or all-zero traceId");
        }
        String spanId = id(s.get("spanId"), 8, "spanId");
        String parent = s.hasNonNull("parentSpanId") ? id(s.get("parentSpanId"), 8, "parentSpanId") : null;
        if (parent != null && OtlpSpan.isEmptyId(parent)) {
            parent = null;
        }
        Map<String, Object> attrs = attributes(s.path("attributes"));
        List<SpanEvent> events = new ArrayList<>();
        for (JsonNode e : s.path("events")) {
            events.add(new SpanEvent(e.path("name").asText(""), longValue(e.get("timeUnixNano")),
                    attributes(e.path("attributes"))));
        }
        return new OtlpSpan(traceId, spanId, parent, s.path("name").asText(""), spanKind(s.get("kind")),
                longValue(s.get("startTimeUnixNano")), longValue(s.get("endTimeUnixNano")), status(s.get("status")),
                attrs, events);
    }

    private static String spanKind(JsonNode kind) {
        if (kind == null || kind.isNull()) {
            return "INTERNAL";
        }
        if (kind.isTextual()) {
            return kind.textValue().replace("SPAN_KIND_", "");
        }
        return OtlpSpan.kindName(kind.asInt());
    }

    private static SpanStatus status(JsonNode st) {
        if (st == null || !st.isObject() || !st.has("code")) {
            return SpanStatus.UNSET;
        }
        JsonNode code = st.get("code");
        String message = st.path("message").asText("");
        String c = code.isTextual() ? code.textValue() : String.valueOf(code.asInt());
        return switch (c) {
            case "1", "STATUS_CODE_OK", "OK" -> new SpanStatus(SpanStatusCode.OK, message);
            case "2", "STATUS_CODE_ERROR", "ERROR" -> new SpanStatus(SpanStatusCode.ERROR, message);
            default -> new SpanStatus(SpanStatusCode.UNSET, message);
        };
    }

    /** @return an OTLP/JSON {@code KeyValue} list as a map of plain JSON values */
    static Map<String, Object> attributes(JsonNode list) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (list == null || !list.isArray()) {
            return out;
        }
        for (JsonNode kv : list) {
            String key = kv.path("key").asText(null);
            if (key != null) {
                out.put(key, anyValue(kv.get("value")));
            }
        }
        return out;
    }

    /** An OTLP {@code AnyValue} as a plain JSON value. */
    static Object anyValue(JsonNode v) {
        if (v == null || v.isNull() || !v.isObject()) {
            return null;
        }
        if (v.has("stringValue")) {
            return v.get("stringValue").asText();
        }
        if (v.has("boolValue")) {
            return v.get("boolValue").asBoolean();
        }
        if (v.has("intValue")) {
            return longValue(v.get("intValue"));
        }
        if (v.has("doubleValue")) {
            return v.get("doubleValue").asDouble();
        }
        if (v.has("arrayValue")) {
            List<Object> out = new ArrayList<>();
            v.get("arrayValue").path("values").forEach(x -> out.add(anyValue(x)));
            return out;
        }
        if (v.has("kvlistValue")) {
            return attributes(v.get("kvlistValue").path("values"));
        }
        if (v.has("bytesValue")) {
            return v.get("bytesValue").asText();
        }
        return null;
    }

    /** A 64-bit integer as OTLP/JSON writes it (string or number) or as protobuf.js logs it ({low, high}). */
    static long longValue(JsonNode n) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (n.isNumber()) {
            return n.longValue();
        }
        if (n.isTextual()) {
            String t = n.textValue().strip();
            if (t.isEmpty()) {
                return 0;
            }
            try {
                return Long.parseUnsignedLong(t);
            } catch (NumberFormatException e) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException e2) {
                    throw new InvalidInputException("not a 64-bit integer: \"" + t + "\"");
                }
            }
        }
        if (n.isObject() && n.has("low") && n.has("high")) {
            return (n.get("high").asLong() << 32) | (n.get("low").asLong() & 0xFFFF_FFFFL);
        }
        throw new InvalidInputException("not a 64-bit integer: " + n);
    }

    /** An id as hex (lower case) from hex, base64, or a protobuf.js Buffer. */
    static String id(JsonNode n, int bytes, String field) {
        if (n == null || n.isNull()) {
            throw new InvalidInputException("an OTLP span has no " + field);
        }
        if (n.isObject() && n.has("data")) {
            byte[] b = new byte[n.get("data").size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) n.get("data").get(i).asInt();
            }
            return HEX.formatHex(b);
        }
        String t = n.asText().strip();
        if (t.isEmpty()) {
            return "";
        }
        if (t.length() == bytes * 2 && t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return t.toLowerCase(Locale.ROOT);
        }
        try {
            byte[] b = Base64.getDecoder().decode(t);
            if (b.length == bytes) {
                return HEX.formatHex(b);
            }
        } catch (IllegalArgumentException notBase64) {
            // fall through
        }
        throw new InvalidInputException("OTLP " + field + " \"" + t + "\" is neither " + bytes * 2
                + " hex digits nor base64 of " + bytes + " bytes");
    }
}
