package dev.vigil.spi.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * What "exports back equivalent" means in these tests. Two MLflow trace JSON texts are equivalent when their
 * trees are equal after this normalisation, applied to both:
 * <ul>
 *   <li>structure: an object member whose value is null, {@code {}} or {@code []} is the same as an absent one
 *       (e.g. {@code "tags": {}}, {@code "events": []}, {@code "parent_span_id": null}), at the trace, info, span,
 *       status, event and assessment level — but not inside JSON payloads (inputs, outputs, attribute values),
 *       where a null is data;</li>
 *   <li>ids: span ids, parent span ids and span trace ids in hex (lower case, no {@code 0x}); base64 of 8 bytes
 *       (span) or 16 bytes (trace) is turned into hex; an empty id is absent; other text (e.g.
 *       {@code <redacted>}) is kept;</li>
 *   <li>times: nanosecond fields as integers (a string of digits is its integer); the proto duration
 *       {@code "execution_duration": "0.850s"} is {@code "execution_duration_ms": 850}; {@code request_time},
 *       {@code create_time} and {@code last_update_time} as epoch milliseconds (ISO-8601 text is parsed);</li>
 *   <li>string maps: values of {@code trace_metadata}, {@code tags} and assessment {@code metadata} that were
 *       not strings compare as their JSON text ({@code false} equals {@code "false"});</li>
 *   <li>span attributes: each value is compared decoded: JSON text is parsed (strictly, the whole text), other
 *       text stays text; {@code mlflow.spanInputs} / {@code mlflow.spanOutputs} decoding to null equal absent;</li>
 *   <li>status: an empty message equals an absent one; assessments: {@code valid} absent equals true, and an
 *       expectation's {@code serialized_value} equals its decoded {@code value};</li>
 *   <li>numbers: compared by value (integers as long, others as double), whatever their JSON spelling.</li>
 * </ul>
 */
final class MlflowEquivalence {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    // floats as BigDecimal so that a non-string metadata value's text is its written digits (0.00012, not 1.2E-4)
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private MlflowEquivalence() {}

    static JsonNode normalise(String traceJson) {
        try {
            return normaliseTrace(STRICT.readTree(traceJson));
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode normaliseTrace(JsonNode trace) {
        ObjectNode out = F.objectNode();
        out.set("info", normaliseInfo(trace.get("info")));
        ArrayNode spans = F.arrayNode();
        JsonNode data = trace.get("data");
        if (data != null && data.get("spans") != null) {
            data.get("spans").forEach(s -> spans.add(normaliseSpan(s)));
        }
        out.putObject("data").set("spans", spans);
        return out;
    }

    private static JsonNode normaliseInfo(JsonNode info) {
        ObjectNode out = F.objectNode();
        info.properties().forEach(e -> {
            String k = e.getKey();
            JsonNode v = e.getValue();
            switch (k) {
                case "request_time" -> put(out, k, millis(v));
                case "execution_duration" -> put(out, "execution_duration_ms", F.numberNode(
                        new java.math.BigDecimal(v.asText().replace("s", "")).movePointRight(3).longValueExact()));
                case "trace_metadata", "tags" -> put(out, k, stringMap(v));
                case "assessments" -> {
                    ArrayNode as = F.arrayNode();
                    v.forEach(a -> as.add(normaliseAssessment(a)));
                    put(out, k, as);
                }
                default -> put(out, k, numbers(v));
            }
        });
        return out;
    }

    private static JsonNode normaliseAssessment(JsonNode a) {
        ObjectNode out = F.objectNode();
        a.properties().forEach(e -> {
            String k = e.getKey();
            JsonNode v = e.getValue();
            switch (k) {
                case "create_time", "last_update_time" -> put(out, k, millis(v));
                case "metadata" -> put(out, k, stringMap(v));
                case "expectation" -> {
                    JsonNode value = v.get("value");
                    if (v.hasNonNull("serialized_value")) {
                        value = strictParse(v.get("serialized_value").get("value").asText());
                    }
                    ObjectNode ex = F.objectNode();
                    ex.set("value", numbers(value == null ? F.nullNode() : value));
                    out.set(k, ex);
                }
                case "feedback" -> {
                    ObjectNode fb = F.objectNode();
                    if (v.hasNonNull("error")) {
                        ObjectNode err = F.objectNode();
                        v.get("error").properties().forEach(x -> put(err, x.getKey(), x.getValue()));
                        fb.set("error", err);
                    } else {
                        fb.set("value", numbers(v.has("value") ? v.get("value") : F.nullNode()));
                    }
                    out.set(k, fb);
                }
                default -> put(out, k, numbers(v));
            }
        });
        if (!out.has("valid")) {
            out.put("valid", true);
        }
        return out;
    }

    private static JsonNode normaliseSpan(JsonNode s) {
        ObjectNode out = F.objectNode();
        s.properties().forEach(e -> {
            String k = e.getKey();
            JsonNode v = e.getValue();
            switch (k) {
                case "trace_id" -> put(out, k, id(v, 16));
                case "span_id", "parent_span_id" -> put(out, k, id(v, 8));
                case "start_time_unix_nano", "end_time_unix_nano" -> put(out, k, integer(v));
                case "status" -> {
                    ObjectNode st = F.objectNode();
                    put(st, "code", v.get("code"));
                    if (v.hasNonNull("message") && !v.get("message").asText().isEmpty()) {
                        st.set("message", v.get("message"));
                    }
                    out.set(k, st);
                }
                case "events" -> {
                    ArrayNode evs = F.arrayNode();
                    v.forEach(ev -> {
                        ObjectNode n = F.objectNode();
                        put(n, "name", ev.get("name"));
                        put(n, "time_unix_nano", integer(ev.get("time_unix_nano")));
                        put(n, "attributes", numbers(ev.get("attributes")));
                        evs.add(n);
                    });
                    put(out, k, evs);
                }
                case "attributes" -> {
                    ObjectNode attrs = F.objectNode();
                    v.properties().forEach(a -> {
                        JsonNode decoded = a.getValue().isTextual() ? decode(a.getValue().textValue()) : a.getValue();
                        boolean payload = a.getKey().equals("mlflow.spanInputs") || a.getKey().equals("mlflow.spanOutputs");
                        if (!(payload && decoded.isNull())) {
                            attrs.set(a.getKey(), numbers(decoded));
                        }
                    });
                    put(out, k, attrs);
                }
                default -> put(out, k, numbers(v));
            }
        });
        return out;
    }

    /** Sets a member unless the value is null, {} or []. */
    private static void put(ObjectNode out, String key, JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode() || (v.isContainerNode() && v.isEmpty())) {
            return;
        }
        out.set(key, v);
    }

    private static JsonNode millis(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return F.numberNode(v.isNumber() ? v.longValue() : Instant.parse(v.asText()).toEpochMilli());
    }

    private static JsonNode integer(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return F.numberNode(v.isNumber() ? v.longValue() : Long.parseLong(v.asText().trim()));
    }

    private static JsonNode stringMap(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        ObjectNode out = F.objectNode();
        v.properties().forEach(e -> out.put(e.getKey(),
                e.getValue().isNull() ? null : e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }

    private static JsonNode id(JsonNode v, int bytes) {
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.asText();
        if (s.isEmpty()) {
            return null; // older exports write "" for a root span's parent
        }
        if (s.startsWith("0x")) {
            s = s.substring(2);
        }
        if (s.length() == bytes * 2 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return F.textNode(s.toLowerCase(Locale.ROOT));
        }
        try {
            byte[] raw = Base64.getDecoder().decode(s);
            if (raw.length == bytes) {
                return F.textNode(HexFormat.of().formatHex(raw));
            }
        } catch (IllegalArgumentException notBase64) {
            // keep as text
        }
        return F.textNode(s);
    }

    private static JsonNode decode(String text) {
        try {
            return STRICT.readTree(text);
        } catch (JsonProcessingException notJson) {
            return F.textNode(text);
        }
    }

    private static JsonNode strictParse(String text) {
        try {
            return STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("serialized_value is not JSON: " + text, e);
        }
    }

    /** Deep copy with every number as a long (integers) or a double (others). */
    private static JsonNode numbers(JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? F.numberNode(v.longValue()) : F.numberNode(v.bigIntegerValue());
        }
        if (v.isNumber()) {
            return F.numberNode(v.doubleValue());
        }
        if (v.isObject()) {
            ObjectNode o = F.objectNode();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                o.set(e.getKey(), numbers(e.getValue()));
            }
            return o;
        }
        if (v.isArray()) {
            ArrayNode a = F.arrayNode();
            v.forEach(x -> a.add(numbers(x)));
            return a;
        }
        return v;
    }
}
