package dev.vigil.spi.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vigil.spi.InvalidInputException;

/** The configured Jackson mappers, and reading and writing JSON text with them; the work behind {@link Json#parse}. */
final class JsonMappers {
    // FAIL_ON_TRAILING_TOKENS: without it "123 Main Street" would parse as the number 123 and "true story" as
    // true, silently dropping the rest (MLflow attribute values are JSON text, or plain text when they are not)
    // ALLOW_NON_NUMERIC_NUMBERS: Python's json (MLflow, Python scorers) writes NaN and Infinity as bare tokens,
    // and Jackson writes them the same way; reading them back keeps such a value instead of failing on it
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    static final ObjectMapper PLAIN = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonMappers() {}

    static String write(Object value) {
        try {
            return PLAIN.writeValueAsString(JsonTrees.toNode(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a JSON tree always serialises", e);
        }
    }

    static Object parse(String text) {
        return JsonTrees.fromNode(readTree(text));
    }

    static JsonNode readTree(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()));
        }
    }
}
