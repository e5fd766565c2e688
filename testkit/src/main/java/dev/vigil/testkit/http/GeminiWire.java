package dev.vigil.testkit.http;

/**
 * Google Gemini {@code generateContent} bodies, written after the public API reference (no recorded fixture).
 */
public final class GeminiWire implements ChatWire {

    @Override
    public ScriptedReply answer(String text) {
        return ScriptedReply.json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + quote(text)
                + "}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":79,\"candidatesTokenCount\":14,\"totalTokenCount\":93},"
                + "\"modelVersion\":\"gemini-2.0-flash\"}");
    }

    @Override
    public ScriptedReply refusal() {
        return ScriptedReply.json("{\"candidates\":[{\"finishReason\":\"SAFETY\",\"index\":0,\"safetyRatings\":"
                + "[{\"category\":\"HARM_CATEGORY_DANGEROUS_CONTENT\",\"probability\":\"HIGH\"}]}],"
                + "\"usageMetadata\":{\"promptTokenCount\":20,\"totalTokenCount\":20}}");
    }

    @Override
    public ScriptedReply truncated() {
        return ScriptedReply.json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"{\\\"\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"MAX_TOKENS\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":79,"
                + "\"candidatesTokenCount\":1,\"totalTokenCount\":80}}");
    }

    @Override
    public ScriptedReply rateLimited(int retryAfterSeconds) {
        return ScriptedReply.json(429, "{\"error\":{\"code\":429,\"message\":\"" + rateLimitedMessage()
                + "\",\"status\":\"RESOURCE_EXHAUSTED\"}}").withHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }

    @Override
    public String rateLimitedMessage() {
        return "Resource has been exhausted (e.g. check quota).";
    }

    @Override
    public ScriptedReply serverError(int status) {
        return ScriptedReply.json(status, "{\"error\":{\"code\":" + status
                + ",\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}");
    }

    @Override
    public ScriptedReply schemaRefused() {
        return ScriptedReply.json(400, "{\"error\":{\"code\":400,\"message\":\"Invalid JSON payload received. Unknown name \\\"responseSchema\\\" at 'generation_config': Cannot find field.\",\"status\":\"INVALID_ARGUMENT\"}}");
    }

    @Override
    public ScriptedReply unauthorized() {
        return ScriptedReply.json(401, "{\"error\":{\"code\":401,\"message\":\"" + unauthorizedMessage()
                + "\",\"status\":\"UNAUTHENTICATED\"}}");
    }

    @Override
    public String unauthorizedMessage() {
        return "API key not valid. Please pass a valid API key.";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
