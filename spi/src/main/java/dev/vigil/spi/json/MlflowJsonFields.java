package dev.vigil.spi.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Field readers shared by the MLflow JSON readers and writer: ids, integers, times, durations, string maps. */
final class MlflowJsonFields {

    private static final HexFormat HEX = HexFormat.of();

    private MlflowJsonFields() {}

    /** MLflow V3 trace ids are {@code tr-} + the OpenTelemetry trace id in hex; spans carry the latter. */
    static String otelTraceId(String mlflowTraceId) {
        return mlflowTraceId.startsWith("tr-") ? mlflowTraceId.substring(3) : mlflowTraceId;
    }

    /**
     * @param id an id as found in a file: hex, or base64 of {@code bytes} bytes, or anything else
     * @param bytes 8 for span ids, 16 for trace ids
     * @return hex for hex or such base64; the id unchanged otherwise
     */
    static String normaliseId(String id, int bytes) {
        if (id == null || id.isEmpty()) {
            return id;
        }
        if (id.startsWith("0x")) {
            return id.substring(2).toLowerCase(java.util.Locale.ROOT);
        }
        if (id.length() == bytes * 2 && isHex(id)) {
            return id.toLowerCase(java.util.Locale.ROOT);
        }
        if (id.length() == ((bytes + 2) / 3) * 4) {
            try {
                byte[] raw = Base64.getDecoder().decode(id);
                if (raw.length == bytes) {
                    return HEX.formatHex(raw);
                }
            } catch (IllegalArgumentException notBase64) {
                // keep as given
            }
        }
        return id;
    }

    static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    static long nanos(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return 0;
        }
        return longValue(n, field);
    }

    static long longValue(JsonNode n, String field) {
        if (n.isNumber()) {
            // exact: 1e30 is refused, never wrapped around to some other number (fractions are cut off)
            try {
                return n.decimalValue().setScale(0, java.math.RoundingMode.DOWN).longValueExact();
            } catch (ArithmeticException e) {
                throw new InvalidInputException("\"" + field + "\" must be an integer between " + Long.MIN_VALUE
                        + " and " + Long.MAX_VALUE + ", got " + n.asText());
            }
        }
        if (n.isTextual()) {
            try {
                return new BigDecimal(n.textValue().trim()).longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw new InvalidInputException("\"" + field + "\" must be an integer, got \"" + n.textValue() + "\"");
            }
        }
        throw new InvalidInputException("\"" + field + "\" must be an integer, got " + n.getNodeType());
    }

    static long protoDurationMs(String d) {
        String t = d.endsWith("s") ? d.substring(0, d.length() - 1) : d;
        try {
            return new BigDecimal(t).movePointRight(3).setScale(0, java.math.RoundingMode.DOWN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidInputException("\"execution_duration\" must look like \"5.098s\", got \"" + d + "\"");
        }
    }

    static Instant readTime(JsonNode n, String field) {
        return n.isNumber() ? Instant.ofEpochMilli(n.longValue()) : parseInstant(n.asText(), field);
    }

    static Instant parseInstant(String s, String field) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(s));
            } catch (NumberFormatException e2) {
                throw new InvalidInputException("\"" + field + "\" must be an ISO-8601 instant such as "
                        + "2025-12-02T16:52:20.818Z or epoch milliseconds, got \"" + s + "\"");
            }
        }
    }

    static Map<String, String> stringMap(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) { // proto form: [{"key": k, "value": v}]
            for (JsonNode e : n) {
                out.put(text(e, "key"), scalarText(e.get("value")));
            }
            return out;
        }
        if (!n.isObject()) {
            throw new InvalidInputException("expected a JSON object of strings, got " + n.getNodeType());
        }
        n.properties().forEach(e -> out.put(e.getKey(), scalarText(e.getValue())));
        return out;
    }

    static String scalarText(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static String orDefault(String s, String d) {
        return s == null ? d : s;
    }
}
