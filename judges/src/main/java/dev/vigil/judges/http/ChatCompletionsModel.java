package dev.vigil.judges.http;

import dev.vigil.spi.judge.FailureKind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.judge.JudgeResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Chat Completions wire (a wire helper for provider authors): OpenAI, any OpenAI-compatible vendor or server
 * (Mistral, vLLM, Ollama...), a Databricks serving endpoint or an MLflow AI Gateway endpoint (the last two without
 * a {@code model} field: the URL names the endpoint). Sends {@code messages} (system, user), the request's
 * parameters as top-level fields and the schema as {@code response_format} {@code json_schema}; reads
 * {@code choices[0].message.content}, {@code finish_reason} ({@code length} → truncated, {@code content_filter}
 * or a {@code refusal} → refused) and {@code usage}. Subclass it to adjust {@link #body} for a vendor's quirks.
 */
public class ChatCompletionsModel extends HttpJudgeModel {
    private final URI endpoint;
    private final String model;
    private final Map<String, String> headers;
    // The streaming body and answer reading stand in for body() and answer(JsonNode) only where a subclass keeps them.
    private final ChatWireCodec codec = new ChatWireCodec();
    private final boolean ownBody;
    private final boolean ownAnswer;

    /**
     * @param modelUri the model URI
     * @param client the shared client ({@link ProviderSettings#client()})
     * @param timeout the per-call timeout ({@link ProviderSettings#timeout})
     * @param endpoint the full URL to POST to, e.g. {@code https://api.mistral.ai/v1/chat/completions}
     * @param model the {@code model} field, or null to send none
     * @param bearerToken sent as {@code Authorization: Bearer}, or null/blank to send no authorization
     */
    public ChatCompletionsModel(String modelUri, HttpClient client, Duration timeout, URI endpoint, String model,
            String bearerToken) {
        super(modelUri, client, timeout);
        this.endpoint = endpoint;
        this.model = model;
        Map<String, String> h = new LinkedHashMap<>();
        if (bearerToken != null && !bearerToken.isBlank()) {
            h.put("Authorization", "Bearer " + bearerToken);
        }
        this.headers = Map.copyOf(h);
        this.ownBody = overrides(getClass(), "body", JudgeRequest.class, boolean.class);
        this.ownAnswer = overrides(getClass(), "answer", JsonNode.class, Duration.class);
    }

    private static boolean overrides(Class<?> c, String method, Class<?>... parameters) {
        for (Class<?> k = c; k != ChatCompletionsModel.class; k = k.getSuperclass()) {
            try {
                k.getDeclaredMethod(method, parameters);
                return true;
            } catch (NoSuchMethodException notHere) {
                // look in the superclass
            }
        }
        return false;
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
        if (model != null) {
            body.put("model", model);
        }
        var messages = body.putArray("messages");
        if (request.systemPrompt() != null) {
            messages.addObject().put("role", "system").put("content", request.systemPrompt());
        }
        messages.addObject().put("role", "user").put("content", request.userPrompt());
        request.parameters().forEach((k, v) -> body.set(k, Json.toNode(v)));
        if (withSchema) {
            ObjectNode format = body.putObject("response_format");
            format.put("type", "json_schema");
            ObjectNode js = format.putObject("json_schema");
            js.put("name", "judgement");
            js.put("strict", true);
            js.set("schema", Json.toNode(request.responseSchema()));
        }
        return body;
    }

    /** Writes the body straight to bytes (the same bytes as {@link #body}), unless a subclass overrides {@link #body}. */
    @Override
    protected byte[] bodyBytes(JudgeRequest request, boolean withSchema) {
        byte[] bytes = ownBody ? null : codec.body(model, request, withSchema);
        return bytes != null ? bytes : super.bodyBytes(request, withSchema);
    }

    /**
     * Picks the answer out of an ordinary body with a streaming parser (the same answer as
     * {@link #answer(JsonNode, Duration)}), unless a subclass overrides that; any other body takes the tree path.
     */
    @Override
    protected JudgeResponse answer(byte[] body, int status, Duration latency) {
        ChatWireCodec.ChatAnswer a = ownAnswer ? null : codec.read(body);
        return a != null ? new JudgeResponse(a.content(), a.finish(), a.inputTokens(), a.outputTokens(), latency)
                : super.answer(body, status, latency);
    }

    @Override
    protected JudgeResponse answer(JsonNode json, Duration latency) {
        JsonNode choice = json.path("choices").path(0);
        if (choice.isMissingNode()) {
            throw answerFailure(FailureKind.UNPARSEABLE, "the answer has no choices: " + Json.write(Json.fromNode(json)));
        }
        JsonNode message = choice.path("message");
        String finish = choice.path("finish_reason").asText(null);
        if (message.path("refusal").isTextual()) {
            throw answerFailure(FailureKind.CONTENT_REFUSED, "the model refused: " + message.path("refusal").asText());
        }
        if ("length".equals(finish)) {
            throw answerFailure(FailureKind.UNPARSEABLE, "the answer was cut off at the token limit (finish_reason length);"
                    + " raise max_tokens");
        }
        if ("content_filter".equals(finish)) {
            throw answerFailure(FailureKind.CONTENT_REFUSED, "the answer was withheld by the content filter (finish_reason content_filter)");
        }
        JsonNode content = message.path("content");
        if (!content.isTextual()) {
            throw answerFailure(FailureKind.UNPARSEABLE, "the answer has no text content (finish_reason " + finish + ")");
        }
        JsonNode usage = json.path("usage");
        return new JudgeResponse(content.asText(), finish, tokens(usage, "prompt_tokens"),
                tokens(usage, "completion_tokens"), latency);
    }
}
