package dev.vigil.judges.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.JudgeRequest;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * The Chat Completions body written straight to bytes and the answer read with a streaming parser: the same bytes
 * and the same answer as {@link ChatCompletionsModel}'s tree ({@code body}) and tree reading ({@code answer}), without
 * building a Jackson tree per call. Only the ordinary cases are handled here; anything else (a parameter that
 * overrides a field of the body, a refusal, a truncated or filtered answer, a body of another shape) returns null so
 * the caller takes the tree path and its exact messages. Thread-safe.
 */
final class ChatWireCodec {
    /** Body fields a request parameter would replace in place in the tree; such requests take the tree path. */
    private static final Set<String> BODY_FIELDS = Set.of("model", "messages", "response_format");

    /** The last schema written and its JSON: a judge sends the same frozen schema on every call. */
    private record SchemaText(Map<String, Object> schema, SerializedString json) {}

    private volatile SchemaText lastSchema;

    /**
     * @param model the {@code model} field, or null
     * @param request the request
     * @param withSchema whether to send the schema as {@code response_format}
     * @return the body's bytes, or null when a parameter names a body field (the caller builds the tree)
     */
    byte[] body(String model, JudgeRequest request, boolean withSchema) {
        for (String k : request.parameters().keySet()) {
            if (BODY_FIELDS.contains(k)) {
                return null;
            }
        }
        JsonFactory factory = Json.mapper().getFactory();
        // Buffers from the factory's recycler, as ObjectMapper.writeValueAsBytes does: only the result is allocated.
        try (ByteArrayBuilder out = new ByteArrayBuilder(factory._getBufferRecycler())) {
            try (JsonGenerator g = factory.createGenerator(out)) {
                write(g, model, request, withSchema);
            }
            byte[] bytes = out.toByteArray();
            out.release();
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing JSON to memory", e);
        }
    }

    private void write(JsonGenerator g, String model, JudgeRequest request, boolean withSchema) throws IOException {
        g.writeStartObject();
        if (model != null) {
            g.writeStringField("model", model);
        }
        g.writeArrayFieldStart("messages");
        if (request.systemPrompt() != null) {
            message(g, "system", request.systemPrompt());
        }
        message(g, "user", request.userPrompt());
        g.writeEndArray();
        for (Map.Entry<String, Object> p : request.parameters().entrySet()) {
            g.writeFieldName(p.getKey());
            g.writeTree(Json.toNode(p.getValue()));
        }
        if (withSchema) {
            g.writeObjectFieldStart("response_format");
            g.writeStringField("type", "json_schema");
            g.writeObjectFieldStart("json_schema");
            g.writeStringField("name", "judgement");
            g.writeBooleanField("strict", true);
            g.writeFieldName("schema");
            SerializedString raw = schemaJson(request.responseSchema());
            if (raw != null) {
                g.writeRawValue(raw);
            } else {
                g.writeTree(Json.toNode(request.responseSchema()));
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void message(JsonGenerator g, String role, String content) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeStringField("content", content);
        g.writeEndObject();
    }

    /**
     * The schema's JSON text, kept for the frozen schema seen last; null when it holds a character beyond ASCII (raw
     * text would then be encoded differently from a written string: surrogate pairs are escaped in strings).
     */
    private SerializedString schemaJson(Map<String, Object> schema) throws IOException {
        SchemaText last = lastSchema;
        if (last != null && last.schema() == schema) {
            return last.json();
        }
        String json = Json.mapper().writeValueAsString(Json.toNode(schema));
        // SerializedString keeps its UTF-8 bytes once made: later calls copy them
        SerializedString text = json.chars().allMatch(c -> c < 0x80) ? new SerializedString(json) : null;
        if (Json.isFrozen(schema)) {
            lastSchema = new SchemaText(schema, text);
        }
        return text;
    }

    /** What the streaming read found; any field not seen stays at its default. */
    private static final class Found {
        String content;
        String finish;
        boolean refusal;
        long inputTokens = -1;
        long outputTokens = -1;
    }

    /**
     * @param body a 2xx Chat Completions body
     * @return the answer when the body is an ordinary one (an object whose first choice has text content, no
     *     refusal, finish reason neither {@code length} nor {@code content_filter}), else null
     */
    ChatAnswer read(byte[] body) {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Found f = new Found();
            boolean choices = false;
            boolean usage = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("choices")) {
                    if (choices || t != JsonToken.START_ARRAY || !firstChoice(p, f)) {
                        return null;
                    }
                    choices = true;
                } else if (name.equals("usage")) {
                    if (usage) {
                        return null;
                    }
                    usage = true;
                    if (t == JsonToken.START_OBJECT) {
                        usage(p, f);
                    } else {
                        p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            if (!choices || f.content == null || f.refusal || "length".equals(f.finish)
                    || "content_filter".equals(f.finish)) {
                return null;
            }
            return new ChatAnswer(f.content, f.finish, f.inputTokens, f.outputTokens);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads the choices array (parser on its START_ARRAY) keeping the first; false for an unusual shape. */
    private static boolean firstChoice(JsonParser p, Found f) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        boolean message = false;
        boolean finish = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("message")) {
                if (message || t != JsonToken.START_OBJECT || !message(p, f)) {
                    return false;
                }
                message = true;
            } else if (name.equals("finish_reason")) {
                if (finish || (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL)) {
                    return false;
                }
                finish = true;
                f.finish = t == JsonToken.VALUE_STRING ? p.getText() : null;
            } else {
                p.skipChildren();
            }
        }
        // the other choices are not read
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
        }
        return true;
    }

    /** Reads a message object (parser on its START_OBJECT); false for a repeated field. */
    private static boolean message(JsonParser p, Found f) throws IOException {
        boolean content = false;
        boolean refusal = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("content")) {
                if (content) {
                    return false;
                }
                content = true;
                f.content = t == JsonToken.VALUE_STRING ? p.getText() : null;
            } else if (name.equals("refusal")) {
                if (refusal) {
                    return false;
                }
                refusal = true;
                f.refusal = t == JsonToken.VALUE_STRING;
            }
            p.skipChildren();
        }
        return true;
    }

    /** Reads the usage object (parser on its START_OBJECT); counts that are not numbers stay -1. */
    private static void usage(JsonParser p, Found f) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            boolean number = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
            if (name.equals("prompt_tokens")) {
                f.inputTokens = number ? p.getValueAsLong() : -1;
            } else if (name.equals("completion_tokens")) {
                f.outputTokens = number ? p.getValueAsLong() : -1;
            }
            p.skipChildren();
        }
    }

    /** An ordinary answer: text content and its accounting. */
    record ChatAnswer(String content, String finish, long inputTokens, long outputTokens) {}
}
