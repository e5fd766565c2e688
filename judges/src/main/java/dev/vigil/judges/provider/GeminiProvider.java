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
import java.util.Set;

/**
 * {@code gemini:/<model>}: Google's {@code generateContent} at {@code GEMINI_BASE_URL} (default
 * {@code https://generativelanguage.googleapis.com/v1beta}) with {@code GEMINI_API_KEY} (or
 * {@code GOOGLE_API_KEY}); structured output via {@code generationConfig.responseSchema}.
 */
public final class GeminiProvider implements JudgeProvider {
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    private static final Set<String> REFUSALS = Set.of("SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII");

    @Override
    public String scheme() {
        return "gemini";
    }

    @Override
    public JudgeModel create(String modelUri, JudgeConfig config) {
        String model = ProviderSettings.modelName(modelUri);
        URI base = ProviderSettings.base(ProviderSettings.optional(config, "GEMINI_BASE_URL", DEFAULT_BASE_URL),
                "GEMINI_BASE_URL");
        String key = ProviderSettings.required(config, modelUri, "GEMINI_API_KEY", "GOOGLE_API_KEY");
        return new Model(modelUri, ProviderSettings.client(), ProviderSettings.timeout(config),
                URI.create(base + "/models/" + model + ":generateContent"), key);
    }

    private static final class Model extends HttpJudgeModel {
        private final URI endpoint;
        private final Map<String, String> headers;

        Model(String modelUri, HttpClient client, Duration timeout, URI endpoint, String key) {
            super(modelUri, client, timeout);
            this.endpoint = endpoint;
            this.headers = Map.of("x-goog-api-key", key);
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
            if (request.systemPrompt() != null) {
                body.putObject("systemInstruction").putArray("parts").addObject().put("text", request.systemPrompt());
            }
            ObjectNode user = body.putArray("contents").addObject();
            user.put("role", "user");
            user.putArray("parts").addObject().put("text", request.userPrompt());
            ObjectNode gen = body.putObject("generationConfig");
            request.parameters().forEach((k, v) -> gen.set(switch (k) {
                case "max_tokens" -> "maxOutputTokens";
                default -> k;
            }, Json.toNode(v)));
            if (withSchema) {
                gen.put("responseMimeType", "application/json");
                gen.set("responseSchema", withoutAdditionalProperties(Json.toNode(request.responseSchema())));
            }
            return body;
        }

        /** Gemini's schema dialect (an OpenAPI subset) rejects additionalProperties. */
        private static JsonNode withoutAdditionalProperties(JsonNode schema) {
            if (schema instanceof ObjectNode o) {
                o.remove("additionalProperties");
                o.properties().forEach(e -> withoutAdditionalProperties(e.getValue()));
            } else if (schema != null && schema.isArray()) {
                schema.forEach(GeminiProvider.Model::withoutAdditionalProperties);
            }
            return schema;
        }

        @Override
        protected JudgeResponse answer(JsonNode json, Duration latency) {
            String blocked = json.path("promptFeedback").path("blockReason").asText(null);
            if (blocked != null) {
                throw answerFailure(FailureKind.CONTENT_REFUSED, "the prompt was blocked (" + blocked + ")");
            }
            JsonNode candidate = json.path("candidates").path(0);
            String finish = candidate.path("finishReason").asText(null);
            if (finish != null && REFUSALS.contains(finish)) {
                throw answerFailure(FailureKind.CONTENT_REFUSED, "the model refused to answer (finishReason " + finish + ")");
            }
            if ("MAX_TOKENS".equals(finish)) {
                throw answerFailure(FailureKind.UNPARSEABLE, "the answer was cut off at the token limit (finishReason MAX_TOKENS);"
                        + " raise max_tokens");
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode part : candidate.path("content").path("parts")) {
                text.append(part.path("text").asText(""));
            }
            if (text.isEmpty()) {
                throw answerFailure(FailureKind.UNPARSEABLE, "the answer has no text (finishReason " + finish + ")");
            }
            JsonNode usage = json.path("usageMetadata");
            return new JudgeResponse(text.toString(), finish, tokens(usage, "promptTokenCount"),
                    tokens(usage, "candidatesTokenCount"), latency);
        }
    }
}
