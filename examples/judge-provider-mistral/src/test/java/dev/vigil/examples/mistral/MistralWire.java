package dev.vigil.examples.mistral;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.json.Json;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.ScriptedReply;

/**
 * Mistral's chat-completions bodies, written from its API reference (the OpenAI-compatible shape, usage fields and
 * finish reasons {@code stop}, {@code length}, {@code model_length}) and its error bodies as users report them
 * ({@code {"object":"error","message":"Rate limit exceeded","type":"rate_limited","param":null,"code":"1300"}},
 * {@code {"message":"Unauthorized","request_id":...}}). Mistral documents no machine-readable refusal; the refusal
 * here is the {@code content_filter} finish reason an OpenAI-compatible gateway in front of it sends.
 */
final class MistralWire implements ChatWire {
    static final String RATE_LIMITED = "Rate limit exceeded";
    static final String UNAUTHORIZED = "Unauthorized";

    static String completion(String content, String finishReason) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("id", "cmpl-e5cc70bb28c444948073e77776eb30ef");
        body.put("object", "chat.completion");
        body.put("created", 1_733_000_000L);
        body.put("model", "mistral-small-latest");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content).putNull("tool_calls");
        choice.put("finish_reason", finishReason);
        body.putObject("usage").put("prompt_tokens", 112).put("total_tokens", 131).put("completion_tokens", 19);
        return Json.write(Json.fromNode(body));
    }

    @Override
    public ScriptedReply answer(String text) {
        return ScriptedReply.json(completion(text, "stop"));
    }

    @Override
    public ScriptedReply refusal() {
        return ScriptedReply.json(completion("", "content_filter"));
    }

    @Override
    public ScriptedReply truncated() {
        return ScriptedReply.json(completion("{\"rationale\": \"The response", "model_length"));
    }

    @Override
    public ScriptedReply rateLimited(int retryAfterSeconds) {
        return ScriptedReply.json(429, "{\"object\":\"error\",\"message\":\"" + RATE_LIMITED
                + "\",\"type\":\"rate_limited\",\"param\":null,\"code\":\"1300\"}")
                .withHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }

    @Override
    public ScriptedReply serverError(int status) {
        return ScriptedReply.json(status, "{\"object\":\"error\",\"message\":\"Service unavailable.\","
                + "\"type\":\"internal_server_error\",\"param\":null,\"code\":\"3000\"}");
    }

    @Override
    public ScriptedReply schemaRefused() {
        return ScriptedReply.json(400, "{\"object\":\"error\",\"message\":\"Invalid response_format: the json_schema"
                + " is not supported for this model\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}");
    }

    @Override
    public ScriptedReply unauthorized() {
        return ScriptedReply.json(401, "{\"message\":\"" + UNAUTHORIZED
                + "\",\"request_id\":\"5bd4b6b4a4e1c2f4b4b3e1f0a9c8d7e6\"}");
    }

    @Override
    public String unauthorizedMessage() {
        return UNAUTHORIZED;
    }

    @Override
    public String rateLimitedMessage() {
        return RATE_LIMITED;
    }
}
