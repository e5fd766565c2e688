package dev.vigil.testkit.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI Chat Completions bodies, from the recorded openai-python responses and the quoted error bodies in
 * {@code fixtures/openai/}. Databricks serving endpoints and OpenAI-compatible servers answer in this format.
 */
public final class OpenAiWire implements ChatWire {

    /** The answer template: a recorded structured-output completion. */
    public static final String ANSWER_FIXTURE = "openai/openai_python_recorded_structured_output_json_schema_location.json";

    private static final String UNAUTHORIZED = "Incorrect API key provided: sk-bad. You can find your API key at https://platform.openai.com/account/api-keys.";

    @Override
    public ScriptedReply answer(String text) {
        ObjectNode body = JsonBodies.fixture(ANSWER_FIXTURE);
        ((ObjectNode) body.withArray("choices").get(0).get("message")).put("content", text);
        return ScriptedReply.json(JsonBodies.text(body));
    }

    @Override
    public ScriptedReply refusal() {
        return ScriptedReply.json(JsonBodies.text(JsonBodies.fixture("openai/openai_python_recorded_refusal_structured_output.json")));
    }

    @Override
    public ScriptedReply truncated() {
        return ScriptedReply.json(JsonBodies.text(JsonBodies.fixture(
                "openai/openai_python_recorded_structured_output_max_tokens_reached_finish_length.json")));
    }

    @Override
    public ScriptedReply rateLimited(int retryAfterSeconds) {
        return ScriptedReply.json(429, JsonBodies.text(JsonBodies.fixture("openai/error_429_rate_limit_exceeded_tokens.json")))
                .withHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }

    @Override
    public String rateLimitedMessage() {
        return JsonBodies.fixture("openai/error_429_rate_limit_exceeded_tokens.json").path("error").path("message").asText();
    }

    @Override
    public ScriptedReply serverError(int status) {
        return ScriptedReply.json(status, "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
    }

    @Override
    public ScriptedReply schemaRefused() {
        return ScriptedReply.json(400, JsonBodies.text(JsonBodies.fixture("openai/error_400_invalid_schema_response_format.json")));
    }

    @Override
    public ScriptedReply unauthorized() {
        return ScriptedReply.json(401, "{\"error\":{\"message\":\"" + UNAUTHORIZED
                + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
    }

    @Override
    public String unauthorizedMessage() {
        return UNAUTHORIZED;
    }
}
