package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.GeminiWire;
import dev.vigil.testkit.http.RecordedRequest;
import java.net.URI;
import java.util.Map;

class GeminiProviderTest extends JudgeProviderConformance {
    @Override ChatWire wire() { return new GeminiWire(); }
    @Override String modelUri() { return "gemini:/gemini-2.0-flash"; }
    @Override Map<String, String> environment(URI base) {
        return Map.of("GEMINI_BASE_URL", base + "/v1beta", "GEMINI_API_KEY", SECRET);
    }
    @Override String expectedPath() { return "/v1beta/models/gemini-2.0-flash:generateContent"; }
    @Override void assertAuthenticated(RecordedRequest r) {
        assertThat(r.header("x-goog-api-key")).isEqualTo(SECRET);
    }
    @Override String userPrompt(JsonNode body) { return body.path("contents").path(0).path("parts").path(0).path("text").asText(); }
    @Override String systemPrompt(JsonNode body) { return body.path("systemInstruction").path("parts").path(0).path("text").asText(); }
    @Override JsonNode schema(JsonNode body) { return body.path("generationConfig").path("responseSchema"); }
    @Override long[] answerTokens() { return new long[] {79, 14}; }
}
