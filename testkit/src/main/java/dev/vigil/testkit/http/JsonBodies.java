package dev.vigil.testkit.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.json.Json;
import dev.vigil.testkit.Fixtures;

/** Reads fixture bodies and edits copies of them. */
final class JsonBodies {
    private JsonBodies() {}

    static ObjectNode fixture(String relative) {
        return (ObjectNode) Json.readTree(Fixtures.read(relative));
    }

    static String text(JsonNode node) {
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
