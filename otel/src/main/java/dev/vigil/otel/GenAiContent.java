package dev.vigil.otel;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A span's inputs, outputs and token usage in MLflow's shapes, from the first convention present: MLflow's own
 * attributes, OpenInference ({@link OpenInference}), OTel GenAI (current {@code gen_ai.input/output.messages} and
 * the older indexed attributes and events), then OpenLLMetry's {@code traceloop.entity.*}. Content an
 * instrumentation did not capture stays absent (null), never an invented empty string.
 */
final class GenAiContent {

    private static final Pattern INDEXED = Pattern.compile("gen_ai\\.(prompt|completion)\\.(\\d+)\\.(\\w+)");
    private static final Pattern ROLE_PREFIX = Pattern.compile("^(system|user|assistant|tool|developer):\\s?(.*)$",
            Pattern.DOTALL);
    private static final Pattern EVENT_MESSAGE = Pattern.compile("gen_ai\\.(system|user|assistant|tool)\\.message");

    private GenAiContent() {}

    // ------------------------------------------------------------------ inputs and outputs

    static Object inputs(String type, Map<String, Object> attrs, List<SpanEvent> events) {
        if (attrs.containsKey(Span.ATTR_SPAN_INPUTS)) {
            return OtlpMapper.decodeAnyJson(attrs.get(Span.ATTR_SPAN_INPUTS));
        }
        if (OpenInference.present(attrs)) {
            Object oi = OpenInference.inputs(attrs);
            if (oi != null) {
                return oi;
            }
            if (attrs.containsKey("input.value")) {
                return OtlpMapper.decodeAnyJson(attrs.get("input.value"));
            }
        }
        List<Object> messages = new ArrayList<>();
        Object instructions = attrs.get("gen_ai.system_instructions");
        if (instructions instanceof List<?> parts && !parts.isEmpty()) {
            messages.add(message("system", parts));
        }
        if (attrs.get("gen_ai.input.messages") instanceof List<?> list) {
            for (Object m : list) {
                if (m instanceof Map<?, ?> map) {
                    messages.add(message(String.valueOf(map.get("role")), map.get("parts")));
                }
            }
        }
        if (messages.isEmpty()) {
            messages.addAll(indexed(attrs, "prompt"));
        }
        if (messages.isEmpty()) {
            for (SpanEvent e : events) {
                Matcher m = EVENT_MESSAGE.matcher(e.name());
                if (m.matches()) {
                    Map<String, Object> msg = new LinkedHashMap<>();
                    msg.put("role", m.group(1));
                    Object body = eventBody(e);
                    if (body instanceof Map<?, ?> b) {
                        b.forEach((k, v) -> msg.put(String.valueOf(k), v));
                    } else if (body != null) {
                        msg.put("content", body);
                    }
                    if (msg.containsKey("content") || msg.containsKey("tool_calls")) {
                        messages.add(msg);
                    }
                }
            }
        }
        if (messages.isEmpty()) {
            for (SpanEvent e : events) {
                if (e.name().equals("gen_ai.content.prompt") && e.attributes().get("gen_ai.prompt") instanceof String p) {
                    messages.add(roleText(p));
                }
            }
        }
        if (!messages.isEmpty()) {
            // built frozen (Json.object()): the span shares these values instead of copying them
            Json.ObjectBuilder in = Json.object().put("messages", messages);
            if (attrs.get("gen_ai.request.model") instanceof String model) {
                in.put("model", model);
            }
            return in.build();
        }
        if (type.equals(SpanTypes.TOOL) && attrs.containsKey("gen_ai.tool.call.arguments")) {
            return attrs.get("gen_ai.tool.call.arguments");
        }
        if (attrs.get("gen_ai.retrieval.query.text") instanceof String q) {
            return Map.of("query", q);
        }
        if (attrs.containsKey("input.value")) {
            return OtlpMapper.decodeAnyJson(attrs.get("input.value"));
        }
        if (attrs.containsKey("traceloop.entity.input")) {
            return OtlpMapper.decodeAnyJson(attrs.get("traceloop.entity.input"));
        }
        return null;
    }

    static Object outputs(String type, Map<String, Object> attrs, List<SpanEvent> events) {
        if (attrs.containsKey(Span.ATTR_SPAN_OUTPUTS)) {
            return OtlpMapper.decodeAnyJson(attrs.get(Span.ATTR_SPAN_OUTPUTS));
        }
        if (OpenInference.present(attrs)) {
            Object oi = OpenInference.outputs(attrs);
            if (oi != null) {
                return oi;
            }
            if (attrs.containsKey("output.value")) {
                return OtlpMapper.decodeAnyJson(attrs.get("output.value"));
            }
        }
        List<Object> choices = new ArrayList<>();
        if (attrs.get("gen_ai.output.messages") instanceof List<?> list) {
            for (Object m : list) {
                if (m instanceof Map<?, ?> map) {
                    choices.add(choice(choices.size(), message(String.valueOf(map.get("role")), map.get("parts")),
                            map.get("finish_reason")));
                }
            }
        }
        if (choices.isEmpty()) {
            List<Map<String, Object>> completions = indexed(attrs, "completion");
            for (Map<String, Object> m : completions) {
                Object finish = m.remove("finish_reason");
                choices.add(choice(choices.size(), m, finish));
            }
        }
        if (choices.isEmpty()) {
            for (SpanEvent e : events) {
                if (e.name().equals("gen_ai.choice") && eventBody(e) instanceof Map<?, ?> b
                        && b.get("message") instanceof Map<?, ?> msg && msg.get("content") != null) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("role", msg.get("role") == null ? "assistant" : msg.get("role"));
                    m.put("content", msg.get("content"));
                    choices.add(choice(choices.size(), m, b.get("finish_reason")));
                }
            }
        }
        if (choices.isEmpty()) {
            for (SpanEvent e : events) {
                if (e.name().equals("gen_ai.content.completion")
                        && e.attributes().get("gen_ai.completion") instanceof String c) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("role", "assistant");
                    m.put("content", c);
                    Object finish = attrs.get("gen_ai.response.finish_reasons") instanceof List<?> f && !f.isEmpty()
                            ? f.get(0) : null;
                    choices.add(choice(choices.size(), m, finish));
                }
            }
        }
        if (!choices.isEmpty()) {
            Json.ObjectBuilder out = Json.object();
            if (attrs.get("gen_ai.response.id") instanceof String id) {
                out.put("id", id);
            }
            out.put("object", "chat.completion");
            if (attrs.get("gen_ai.response.model") instanceof String model) {
                out.put("model", model);
            } else if (attrs.get("gen_ai.request.model") instanceof String model) {
                out.put("model", model);
            }
            out.put("choices", choices);
            Map<String, Object> usage = tokenUsage(attrs);
            if (usage != null) {
                out.put("usage", Map.of("prompt_tokens", usage.get("input_tokens"),
                        "completion_tokens", usage.get("output_tokens"), "total_tokens", usage.get("total_tokens")));
            }
            return out.build();
        }
        if (attrs.containsKey("gen_ai.tool.call.result")) {
            return attrs.get("gen_ai.tool.call.result");
        }
        if (attrs.get("gen_ai.retrieval.documents") instanceof List<?> docs) {
            List<Object> out = new ArrayList<>();
            for (Object d : docs) {
                out.add(document(d));
            }
            return out;
        }
        if (attrs.containsKey("output.value")) {
            return OtlpMapper.decodeAnyJson(attrs.get("output.value"));
        }
        if (attrs.containsKey("traceloop.entity.output")) {
            return OtlpMapper.decodeAnyJson(attrs.get("traceloop.entity.output"));
        }
        return null;
    }

    private static Object document(Object d) {
        if (!(d instanceof Map<?, ?> m)) {
            return Map.of("page_content", d instanceof String s ? s : Json.write(d));
        }
        Object content = m.get("content") != null ? m.get("content")
                : m.get("text") != null ? m.get("text") : m.get("page_content");
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (m.get("id") != null) {
            metadata.put("doc_uri", String.valueOf(m.get("id")));
        }
        m.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (!key.equals("content") && !key.equals("text") && !key.equals("page_content") && !key.equals("id")) {
                metadata.put(key, v);
            }
        });
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("page_content", content == null ? "" : content instanceof String s ? s : Json.write(content));
        doc.put("metadata", metadata);
        return doc;
    }

    private static Map<String, Object> choice(int index, Map<String, Object> message, Object finishReason) {
        return Json.object().put("index", (long) index).put("message", message)
                .put("finish_reason", finishReason == null ? "stop" : String.valueOf(finishReason)).build();
    }

    /** A semantic-conventions message (role + parts) as an OpenAI-style chat message. */
    private static Map<String, Object> message(String role, Object parts) {
        Json.ObjectBuilder m = Json.object().put("role", role);
        StringBuilder text = new StringBuilder();
        List<Object> toolCalls = new ArrayList<>();
        String toolCallId = null;
        if (parts instanceof List<?> list) {
            for (Object p : list) {
                if (!(p instanceof Map<?, ?> part)) {
                    continue;
                }
                String type = String.valueOf(part.get("type"));
                switch (type) {
                    case "text" -> {
                        if (!text.isEmpty()) {
                            text.append('\n');
                        }
                        text.append(part.get("content") == null ? "" : part.get("content"));
                    }
                    case "tool_call" -> {
                        Object args = part.get("arguments");
                        toolCalls.add(Map.of("id", String.valueOf(part.get("id")), "type", "function",
                                "function", Map.of("name", String.valueOf(part.get("name")),
                                        "arguments", args instanceof String s ? s : Json.write(args))));
                    }
                    case "tool_call_response" -> {
                        toolCallId = String.valueOf(part.get("id"));
                        Object r = part.get("response");
                        text.append(r instanceof String s ? s : Json.write(r));
                    }
                    default -> { } // reasoning, blobs, uris: not part of the answer text
                }
            }
        } else if (parts instanceof String s) {
            text.append(s);
        }
        m.put("content", text.toString());
        if (!toolCalls.isEmpty()) {
            m.put("tool_calls", toolCalls);
        }
        if (toolCallId != null) {
            m.put("tool_call_id", toolCallId);
        }
        return m.build();
    }

    private static Map<String, Object> roleText(String text) {
        Matcher m = ROLE_PREFIX.matcher(text);
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("role", m.matches() ? m.group(1) : "user");
        msg.put("content", m.matches() ? m.group(2) : text);
        return msg;
    }

    /** The OpenLLMetry form: {@code gen_ai.prompt.0.role}, {@code gen_ai.prompt.0.content}... */
    private static List<Map<String, Object>> indexed(Map<String, Object> attrs, String kind) {
        TreeMap<Integer, Map<String, Object>> byIndex = new TreeMap<>();
        attrs.forEach((k, v) -> {
            Matcher m = INDEXED.matcher(k);
            if (m.matches() && m.group(1).equals(kind)) {
                byIndex.computeIfAbsent(Integer.parseInt(m.group(2)), i -> new LinkedHashMap<>()).put(m.group(3), v);
            }
        });
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> fields : byIndex.values()) {
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("role", fields.getOrDefault("role", kind.equals("prompt") ? "user" : "assistant"));
            msg.put("content", fields.getOrDefault("content", ""));
            fields.forEach((k, v) -> {
                if (!k.equals("role") && !k.equals("content")) {
                    msg.put(k, v);
                }
            });
            out.add(msg);
        }
        return out;
    }

    /** The older GenAI events' content: a {@code gen_ai.event.content} JSON attribute or plain attributes. */
    private static Object eventBody(SpanEvent e) {
        Object content = e.attributes().get("gen_ai.event.content");
        if (content != null) {
            return OtlpMapper.decodeAnyJson(content);
        }
        if (e.attributes().containsKey("content") || e.attributes().containsKey("message")) {
            Map<String, Object> out = new LinkedHashMap<>();
            e.attributes().forEach((k, v) -> out.put(k, OtlpMapper.decodeAnyJson(v)));
            return out;
        }
        return null;
    }

    static Map<String, Object> tokenUsage(Map<String, Object> attrs) {
        Long[] oi = OpenInference.tokenCounts(attrs);
        Long in = oi[0] != null ? oi[0] : firstLong(attrs, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens");
        Long out = oi[1] != null ? oi[1]
                : firstLong(attrs, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens");
        if (in == null && out == null) {
            return null;
        }
        long i = in == null ? 0 : in;
        long o = out == null ? 0 : out;
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("input_tokens", i);
        usage.put("output_tokens", o);
        usage.put("total_tokens", i + o);
        return usage;
    }

    private static Long firstLong(Map<String, Object> attrs, String... keys) {
        for (String k : keys) {
            if (attrs.get(k) instanceof Number n) {
                return n.longValue();
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ values
}
