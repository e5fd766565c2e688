package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.GeminiWire;
import dev.vigil.testkit.http.RecordedRequest;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import dev.vigil.spi.judge.JudgeProvider;

class GeminiProviderTest extends JudgeRuntimeConformance {
    @Override protected JudgeProvider provider() { return new dev.vigil.judges.provider.GeminiProvider(); }
    @Override protected Set<String> requiredSettings() { return Set.of("GEMINI_API_KEY"); }
    @Override protected ChatWire wire() { return new GeminiWire(); }
    @Override protected String modelUri() { return "gemini:/gemini-2.0-flash"; }
    @Override protected Map<String, String> environment(URI base) {
        return Map.of("GEMINI_BASE_URL", base + "/v1beta", "GEMINI_API_KEY", SECRET);
    }
    @Override protected String expectedPath() { return "/v1beta/models/gemini-2.0-flash:generateContent"; }
    @Override protected void assertAuthenticated(RecordedRequest r) {
        assertThat(r.header("x-goog-api-key")).isEqualTo(SECRET);
    }
    @Override protected String userPrompt(JsonNode body) { return body.path("contents").path(0).path("parts").path(0).path("text").asText(); }
    @Override protected String systemPrompt(JsonNode body) { return body.path("systemInstruction").path("parts").path(0).path("text").asText(); }
    @Override protected JsonNode schema(JsonNode body) { return body.path("generationConfig").path("responseSchema"); }
    @Override protected long[] answerTokens() { return new long[] {79, 14}; }
}
