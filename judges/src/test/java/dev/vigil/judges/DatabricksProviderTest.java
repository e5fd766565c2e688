package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.RecordedRequest;
import java.net.URI;
import java.util.Map;

class DatabricksProviderTest extends JudgeProviderConformance {
    @Override ChatWire wire() { return new OpenAiWire(); }
    @Override String modelUri() { return "databricks:/databricks-gpt-oss-20b"; }
    @Override Map<String, String> environment(URI base) {
        return Map.of("DATABRICKS_HOST", base.toString(), "DATABRICKS_TOKEN", SECRET);
    }
    @Override String expectedPath() { return "/serving-endpoints/databricks-gpt-oss-20b/invocations"; }
    @Override void assertAuthenticated(RecordedRequest r) {
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(body(r).has("model")).as("the URL names the endpoint").isFalse();
    }
    @Override String userPrompt(JsonNode body) { return body.path("messages").path(1).path("content").asText(); }
    @Override String systemPrompt(JsonNode body) { return body.path("messages").path(0).path("content").asText(); }
    @Override JsonNode schema(JsonNode body) { return body.path("response_format").path("json_schema").path("schema"); }
    @Override long[] answerTokens() { return new long[] {79, 14}; }
}
