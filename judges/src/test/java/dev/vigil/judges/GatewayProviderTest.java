package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.RecordedRequest;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import dev.vigil.spi.judge.JudgeProvider;

class GatewayProviderTest extends JudgeRuntimeConformance {
    @Override protected JudgeProvider provider() { return new dev.vigil.judges.provider.GatewayProvider(); }
    @Override protected Set<String> requiredSettings() { return Set.of("MLFLOW_GATEWAY_URI"); }
    @Override protected ChatWire wire() { return new OpenAiWire(); }
    @Override protected String modelUri() { return "gateway:/chat"; }
    @Override protected Map<String, String> environment(URI base) {
        return Map.of("MLFLOW_GATEWAY_URI", base.toString(), "MLFLOW_GATEWAY_TOKEN", SECRET);
    }
    @Override protected String expectedPath() { return "/endpoints/chat/invocations"; }
    @Override protected void assertAuthenticated(RecordedRequest r) {
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + SECRET);
    }
    @Override protected String userPrompt(JsonNode body) { return body.path("messages").path(1).path("content").asText(); }
    @Override protected String systemPrompt(JsonNode body) { return body.path("messages").path(0).path("content").asText(); }
    @Override protected JsonNode schema(JsonNode body) { return body.path("response_format").path("json_schema").path("schema"); }
    @Override protected long[] answerTokens() { return new long[] {79, 14}; }
}
