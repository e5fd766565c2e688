package dev.vigil.testkit.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic Messages API bodies, from the recorded anthropic-sdk-python responses and the quoted error bodies in
 * {@code fixtures/anthropic/}.
 */
public final class AnthropicWire implements ChatWire {

    /** The answer template: a recorded structured-output message. */
    public static final String ANSWER_FIXTURE = "anthropic/messages_response_structured_output_order_item.json";

    @Override
    public ScriptedReply answer(String text) {
        ObjectNode body = JsonBodies.fixture(ANSWER_FIXTURE);
        ((ObjectNode) body.withArray("content").get(0)).put("text", text);
        return ScriptedReply.json(JsonBodies.text(body));
    }

    @Override
    public ScriptedReply refusal() {
        // The refusal stream fixture ends with stop_reason "refusal" and no text; the same message, not streamed.
        ObjectNode body = JsonBodies.fixture(ANSWER_FIXTURE);
        body.set("content", body.arrayNode());
        body.put("stop_reason", "refusal");
        return ScriptedReply.json(JsonBodies.text(body));
    }

    @Override
    public ScriptedReply truncated() {
        ObjectNode body = JsonBodies.fixture(ANSWER_FIXTURE);
        ArrayNode content = body.withArray("content");
        ((ObjectNode) content.get(0)).put("text", "{\"rationale\": \"The resp");
        body.put("stop_reason", "max_tokens");
        return ScriptedReply.json(JsonBodies.text(body));
    }

    @Override
    public ScriptedReply rateLimited(int retryAfterSeconds) {
        return ScriptedReply.json(429, JsonBodies.text(JsonBodies.fixture("anthropic/error_429_rate_limit_error_account.json")))
                .withHeader("retry-after", Integer.toString(retryAfterSeconds));
    }

    @Override
    public String rateLimitedMessage() {
        return JsonBodies.fixture("anthropic/error_429_rate_limit_error_account.json").path("error").path("message").asText();
    }

    @Override
    public ScriptedReply serverError(int status) {
        if (status == 529) {
            return ScriptedReply.json(529, JsonBodies.text(JsonBodies.fixture("anthropic/error_529_overloaded_error.json")));
        }
        return ScriptedReply.json(status, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}");
    }

    @Override
    public ScriptedReply schemaRefused() {
        return ScriptedReply.json(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"output_config.format: structured outputs are not supported by this model\"}}");
    }

    @Override
    public ScriptedReply unauthorized() {
        return ScriptedReply.json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");
    }

    @Override
    public String unauthorizedMessage() {
        return "invalid x-api-key";
    }
}
