package dev.vigil.judges.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The answer a judge asks for: {@code {"rationale": "...", "result": <value>}}, as a JSON schema and in words,
 * and how a result becomes a feedback value.
 *
 * @param type the result type: {@code yes_no}, {@code labels}, {@code bool}, {@code number} or {@code string}
 * @param labels the allowed results for {@code yes_no} and {@code labels}, else empty
 */
public record AnswerFormat(String type, List<String> labels) {

    /** "yes" or "no". */
    public static final AnswerFormat YES_NO = new AnswerFormat("yes_no", List.of("yes", "no"));

    /** Freezes. */
    public AnswerFormat {
        labels = List.copyOf(labels);
    }

    /** @param labels the allowed labels @return one of them */
    public static AnswerFormat labels(List<String> labels) {
        return new AnswerFormat("labels", labels);
    }

    /** @return the JSON schema of the answer (strict: every property required, no others) */
    public Map<String, Object> schema() {
        Map<String, Object> result = new LinkedHashMap<>();
        switch (type) {
            case "bool" -> result.put("type", "boolean");
            case "number" -> result.put("type", "number");
            case "string" -> result.put("type", "string");
            default -> {
                result.put("type", "string");
                result.put("enum", labels);
            }
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("rationale", Map.of("type", "string"));
        props.put("result", result);
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", props);
        schema.put("required", List.of("rationale", "result"));
        schema.put("additionalProperties", false);
        return schema;
    }

    /** @return the answer format in words, appended to every prompt (the plain-text fallback relies on it) */
    public String instruction() {
        String value = switch (type) {
            case "bool" -> "true or false";
            case "number" -> "a number";
            case "string" -> "a short string";
            default -> String.join(" or ", labels.stream().map(l -> "\"" + l + "\"").toList());
        };
        return "\nAnswer with only a JSON object, no other text: {\"rationale\": \"<your reasoning, step by step,"
                + " in a few sentences>\", \"result\": " + value + "}\n";
    }

    /**
     * @param result the answer's {@code result}
     * @return the feedback value
     * @throws IllegalArgumentException if the result is not of this format, saying what is allowed
     */
    public Object value(JsonNode result) {
        switch (type) {
            case "bool" -> {
                if (result.isBoolean()) {
                    return result.booleanValue();
                }
                String s = result.asText("").strip().toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("yes")) {
                    return true;
                }
                if (s.equals("false") || s.equals("no")) {
                    return false;
                }
                throw new IllegalArgumentException("result " + Json.write(Json.fromNode(result))
                        + " is not a boolean (true or false)");
            }
            case "number" -> {
                if (result.isNumber()) {
                    return result.isIntegralNumber() ? (Object) result.longValue() : (Object) result.doubleValue();
                }
                try {
                    return Double.parseDouble(result.asText("").strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("result " + Json.write(Json.fromNode(result)) + " is not a number");
                }
            }
            case "string" -> {
                if (!result.isValueNode() || result.isNull()) {
                    throw new IllegalArgumentException("result " + Json.write(Json.fromNode(result)) + " is not a string");
                }
                return result.asText();
            }
            default -> {
                String s = result.isTextual() ? result.asText().strip() : result.toString();
                String unwrapped = s.startsWith("[[") && s.endsWith("]]") ? s.substring(2, s.length() - 2) : s;
                for (String l : labels) {
                    if (l.equalsIgnoreCase(unwrapped)) {
                        return l;
                    }
                }
                throw new IllegalArgumentException("result \"" + s + "\" is not one of " + labels);
            }
        }
    }
}
