package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.RecordedRequest;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import dev.vigil.spi.judge.JudgeProvider;
import org.junit.jupiter.api.Test;

class OpenAiProviderTest extends JudgeRuntimeConformance {
    @Override protected JudgeProvider provider() { return new dev.vigil.judges.provider.OpenAiProvider(); }
    @Override protected Set<String> requiredSettings() { return Set.of(); }
    @Override protected ChatWire wire() { return new OpenAiWire(); }
    @Override protected String modelUri() { return "openai:/gpt-4o-mini"; }
    @Override protected Map<String, String> environment(URI base) {
        return Map.of("OPENAI_BASE_URL", base + "/v1", "OPENAI_API_KEY", SECRET);
    }
    @Override protected String expectedPath() { return "/v1/chat/completions"; }
    @Override protected void assertAuthenticated(RecordedRequest r) {
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(body(r).path("model").asText()).isEqualTo("gpt-4o-mini");
    }
    @Override protected String userPrompt(JsonNode body) { return body.path("messages").path(1).path("content").asText(); }
    @Override protected String systemPrompt(JsonNode body) { return body.path("messages").path(0).path("content").asText(); }
    @Override protected JsonNode schema(JsonNode body) { return body.path("response_format").path("json_schema").path("schema"); }
    @Override protected long[] answerTokens() { return new long[] {79, 14}; }

    @Test
    void openAiCompatibleServerWithoutKey_isCalledWithoutAuthorization() {
        server.enqueue(wire().answer(YES));
        JudgeRuntime rt = runtime().environment(Map.of("OPENAI_BASE_URL", server.baseUri() + "/v1")).build();
        Feedback f = score(Judges.safety().model("openai:/llama3.1:8b").runtime(rt).build());
        assertThat(f.value()).isEqualTo("yes");
        assertThat(server.lastRequest().header("Authorization")).isNull();
        assertThat(body(server.lastRequest()).path("model").asText()).isEqualTo("llama3.1:8b");
    }

    @Test
    void insufficientQuota_isNotRetried_andCountsAsAuth() {
        server.fallback(dev.vigil.testkit.http.ScriptedReply.json(429,
                dev.vigil.testkit.Fixtures.read("openai/error_429_insufficient_quota.json")));
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).as("an exhausted quota needs a person: it pauses the scorer").isEqualTo("AUTH");
        assertThat(f.error().message()).contains("quota");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void contextLengthExceeded400_isNotRetriedAndCarriesTheProvidersMessage() {
        String body = dev.vigil.testkit.Fixtures.read("openai/error_400_context_length_exceeded.json");
        server.fallback(dev.vigil.testkit.http.ScriptedReply.json(400, body));
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("BAD_REQUEST");
        assertThat(f.error().message()).contains(dev.vigil.spi.json.Json.readTree(body).path("error").path("message").asText());
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void forbidden403_isNotRetried() {
        server.fallback(dev.vigil.testkit.http.ScriptedReply.json(403,
                "{\"error\":{\"message\":\"Project does not have access to model gpt-4o-mini\",\"type\":\"invalid_request_error\"}}"));
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("AUTH");
        assertThat(f.error().message()).contains("does not have access");
        assertThat(server.requestCount()).isEqualTo(1);
    }
}
