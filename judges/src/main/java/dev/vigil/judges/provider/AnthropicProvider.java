package dev.vigil.judges.provider;

import dev.vigil.judges.http.HttpJudgeModel;
import dev.vigil.judges.http.ProviderSettings;

import dev.vigil.spi.judge.FailureKind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.judge.JudgeResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;

/**
 * {@code anthropic:/<model>}: the Anthropic Messages API at {@code ANTHROPIC_BASE_URL} (default
 * {@code https://api.anthropic.com}) with {@code ANTHROPIC_API_KEY}; structured output via
 * {@code output_config.format}.
 */
public final class AnthropicProvider implements JudgeProvider {
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    /** The API version sent in {@code anthropic-version}. */
    public static final String API_VERSION = "2023-06-01";
    /** {@code max_tokens} when the request sets none (the API requires one). */
    public static final int DEFAULT_MAX_TOKENS = 1024;

    @Override
    public String scheme() {
        return "anthropic";
    }

    @Override
    public JudgeModel create(String modelUri, JudgeConfig config) {
        String model = ProviderSettings.modelName(modelUri);
        URI base = ProviderSettings.base(ProviderSettings.optional(config, "ANTHROPIC_BASE_URL", DEFAULT_BASE_URL),
                "ANTHROPIC_BASE_URL");
        String key = ProviderSettings.required(config, modelUri, "ANTHROPIC_API_KEY");
        return new Model(modelUri, ProviderSettings.client(), ProviderSettings.timeout(config),
                URI.create(base + "/v1/messages"), model, key);
    }

    private static final class Model extends HttpJudgeModel {
        private final URI endpoint;
        private final String model;
        private final Map<String, String> headers;

        Model(String modelUri, HttpClient client, Duration timeout, URI endpoint, String model, String key) {
            super(modelUri, client, timeout);
            this.endpoint = endpoint;
            this.model = model;
            this.headers = Map.of("x-api-key", key, "anthropic-version", API_VERSION);
        }

        @Override
        protected URI endpoint() {
            return endpoint;
        }

        @Override
        protected Map<String, String> headers() {
            return headers;
        }

        @Override
        protected ObjectNode body(JudgeRequest request, boolean withSchema) {
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("model", model);
            body.put("max_tokens", DEFAULT_MAX_TOKENS);
            if (request.systemPrompt() != null) {
                body.put("system", request.systemPrompt());
            }
            body.putArray("messages").addObject().put("role", "user").put("content", request.userPrompt());
            request.parameters().forEach((k, v) -> body.set(k, Json.toNode(v)));
            if (withSchema) {
                ObjectNode format = body.putObject("output_config").putObject("format");
                format.put("type", "json_schema");
                format.set("schema", Json.toNode(request.responseSchema()));
            }
            return body;
        }

        @Override
        protected JudgeResponse answer(JsonNode json, Duration latency) {
            String stop = json.path("stop_reason").asText(null);
            if ("refusal".equals(stop)) {
                throw answerFailure(FailureKind.CONTENT_REFUSED, "the model refused to answer (stop_reason refusal)");
            }
            if ("max_tokens".equals(stop)) {
                throw answerFailure(FailureKind.UNPARSEABLE, "the answer was cut off at the token limit (stop_reason max_tokens);"
                        + " raise max_tokens");
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode block : json.path("content")) {
                if ("text".equals(block.path("type").asText())) {
                    text.append(block.path("text").asText());
                }
            }
            if (text.isEmpty()) {
                throw answerFailure(FailureKind.UNPARSEABLE, "the answer has no text block (stop_reason " + stop + ")");
            }
            JsonNode usage = json.path("usage");
            return new JudgeResponse(text.toString(), stop, tokens(usage, "input_tokens"),
                    tokens(usage, "output_tokens"), latency);
        }
    }
}
