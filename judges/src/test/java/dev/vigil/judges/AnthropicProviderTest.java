package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testkit.http.AnthropicWire;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.RecordedRequest;
import java.net.URI;
import java.util.Map;
import dev.vigil.spi.scorer.Feedback;
import org.junit.jupiter.api.Test;

class AnthropicProviderTest extends JudgeProviderConformance {
    @Override ChatWire wire() { return new AnthropicWire(); }
    @Override String modelUri() { return "anthropic:/claude-sonnet-4-5"; }
    @Override Map<String, String> environment(URI base) {
        return Map.of("ANTHROPIC_BASE_URL", base.toString(), "ANTHROPIC_API_KEY", SECRET);
    }
    @Override String expectedPath() { return "/v1/messages"; }
    @Override void assertAuthenticated(RecordedRequest r) {
        assertThat(r.header("x-api-key")).isEqualTo(SECRET);
        assertThat(r.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(body(r).path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body(r).path("max_tokens").asInt()).isEqualTo(1024);
    }
    @Override String userPrompt(JsonNode body) { return body.path("messages").path(0).path("content").asText(); }
    @Override String systemPrompt(JsonNode body) { return body.path("system").asText(); }
    @Override JsonNode schema(JsonNode body) { return body.path("output_config").path("format").path("schema"); }
    @Override long[] answerTokens() { return new long[] {249, 26}; }

    @Test
    void promptTooLong400_isNotRetriedAndCarriesTheProvidersMessage() {
        String body = dev.vigil.testkit.Fixtures.read("anthropic/error_400_invalid_request_prompt_too_long.json");
        server.fallback(dev.vigil.testkit.http.ScriptedReply.json(400, body));
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("BAD_REQUEST");
        assertThat(f.error().message()).contains(dev.vigil.spi.json.Json.readTree(body).path("error").path("message").asText());
        assertThat(server.requestCount()).isEqualTo(1);
    }
}
