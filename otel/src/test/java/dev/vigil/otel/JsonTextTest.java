package dev.vigil.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    private static Object jsonParseOrKeep(String text) {
        try {
            return Json.parse(text);
        } catch (InvalidInputException e) {
            return text;
        }
    }

    // (decodeAnyJson calls it only on text starting with {, [ or ")

    /** A span freezes what it holds: compare the frozen forms, as stored. */
    private static Object frozen(Object value) {
        return Span.builder().traceId("tr-1").spanId("1").inputs(value).build().inputs();
    }

    @Test
    void values_areThoseOfJsonParse_andNonJsonTextIsKept() {
        String[] texts = {"{\"a\": [1, 2.5, 1e400, 12345678901234567890, -3, true, false, null, \"s\"]}",
            "[{\"role\":\"user\",\"content\":\"Hi\"}]", "\"quoted\"", "{\"x\": NaN, \"y\": -Infinity}", "0.1",
            "{\"dup\": 1, \"dup\": 2}", "{not json", "[1, 2", "[1] trailing", "{}", "[]", "1.0",
            "{\"nested\": {\"deep\": [[[{}]]]}}"};
        for (String t : texts) {
            assertThat(frozen(JsonText.parseOrKeep(t))).as(t).isEqualTo(frozen(jsonParseOrKeep(t)));
        }
    }

    @Test
    void textNestedDeeperThanTheLimit_isKeptAsText_asJsonParseWouldRefuseIt() {
        String atLimit = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        String beyond = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertThat(JsonText.parseOrKeep(atLimit)).isInstanceOf(java.util.List.class)
                .isEqualTo(jsonParseOrKeep(atLimit));
        assertThat(JsonText.parseOrKeep(beyond)).isEqualTo(beyond).isEqualTo(jsonParseOrKeep(beyond));
        String objects = "{\"k\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1);
        assertThat(JsonText.parseOrKeep(objects)).isEqualTo(objects);
    }
}
