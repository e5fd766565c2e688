package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testkit.http.AnthropicWire;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.RecordedRequest;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import dev.vigil.spi.judge.JudgeProvider;
import dev.vigil.spi.scorer.Feedback;
import org.junit.jupiter.api.Test;

class AnthropicProviderTest extends JudgeRuntimeConformance {
    @Override protected JudgeProvider provider() { return new dev.vigil.judges.provider.AnthropicProvider(); }
    @Override protected Set<String> requiredSettings() { return Set.of("ANTHROPIC_API_KEY"); }
    @Override protected ChatWire wire() { return new AnthropicWire(); }
    @Override protected String modelUri() { return "anthropic:/claude-sonnet-4-5"; }
    @Override protected Map<String, String> environment(URI base) {
        return Map.of("ANTHROPIC_BASE_URL", base.toString(), "ANTHROPIC_API_KEY", SECRET);
    }
    @Override protected String expectedPath() { return "/v1/messages"; }
    @Override protected void assertAuthenticated(RecordedRequest r) {
        assertThat(r.header("x-api-key")).isEqualTo(SECRET);
        assertThat(r.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(body(r).path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body(r).path("max_tokens").asInt()).isEqualTo(1024);
    }
    @Override protected String userPrompt(JsonNode body) { return body.path("messages").path(0).path("content").asText(); }
    @Override protected String systemPrompt(JsonNode body) { return body.path("system").asText(); }
    @Override protected JsonNode schema(JsonNode body) { return body.path("output_config").path("format").path("schema"); }
    @Override protected long[] answerTokens() { return new long[] {249, 26}; }

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
