package dev.vigil.otel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenInference's (Arize) flattened span attributes in MLflow's shapes: {@code llm.input_messages.N.message.*} as
 * chat messages, {@code llm.output_messages.N.message.*} as OpenAI-style choices,
 * {@code retrieval.documents.N.document.*} as MLflow documents ({@code page_content}, {@code metadata.doc_uri}),
 * {@code llm.token_count.*} as token usage.
 */
final class OpenInference {

    private static final Pattern INDEXED = Pattern.compile(
            "(llm\\.input_messages|llm\\.output_messages|retrieval\\.documents)\\.(\\d+)\\.(message|document)\\.(.+)");

    private OpenInference() {}

    /** @return true if the span carries OpenInference attributes */
    static boolean present(Map<String, Object> attrs) {
        return attrs.containsKey("openinference.span.kind") || attrs.keySet().stream().anyMatch(
                k -> k.startsWith("llm.input_messages.") || k.startsWith("llm.output_messages.")
                        || k.startsWith("retrieval.documents.") || k.startsWith("llm.token_count."));
    }

    /** @return {@code {"messages": [...], "model"?}} or null if the span has no input messages */
    static Object inputs(Map<String, Object> attrs) {
        List<Map<String, Object>> messages = indexed(attrs, "llm.input_messages");
        if (messages.isEmpty()) {
            return null;
        }
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("messages", messages.stream().map(OpenInference::message).toList());
        if (attrs.get("llm.model_name") instanceof String model) {
            in.put("model", model);
        }
        return in;
    }

    /** @return choices or documents, or null if the span has neither */
    static Object outputs(Map<String, Object> attrs) {
        List<Map<String, Object>> messages = indexed(attrs, "llm.output_messages");
        if (!messages.isEmpty()) {
            List<Object> choices = new ArrayList<>();
            for (Map<String, Object> m : messages) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("index", choices.size());
                c.put("message", message(m));
                c.put("finish_reason", m.getOrDefault("finish_reason", "stop"));
                choices.add(c);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("object", "chat.completion");
            if (attrs.get("llm.model_name") instanceof String model) {
                out.put("model", model);
            }
            out.put("choices", choices);
            return out;
        }
        List<Map<String, Object>> docs = indexed(attrs, "retrieval.documents");
        if (!docs.isEmpty()) {
            List<Object> out = new ArrayList<>();
            for (Map<String, Object> d : docs) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("page_content", d.get("content"));
                Map<String, Object> metadata = new LinkedHashMap<>();
                if (OtlpMapper.decodeAnyJson(d.get("metadata")) instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> metadata.put(String.valueOf(k), v));
                }
                if (d.get("id") != null) {
                    metadata.putIfAbsent("doc_uri", String.valueOf(d.get("id")));
                    metadata.putIfAbsent("chunk_id", String.valueOf(d.get("id")));
                }
                if (d.get("score") != null) {
                    metadata.put("score", d.get("score"));
                }
                doc.put("metadata", metadata);
                out.add(doc);
            }
            return out;
        }
        return null;
    }

    /** @return input/output token counts ({@code llm.token_count.prompt/completion}) or nulls */
    static Long[] tokenCounts(Map<String, Object> attrs) {
        return new Long[] {asLong(attrs.get("llm.token_count.prompt")), asLong(attrs.get("llm.token_count.completion"))};
    }

    private static Long asLong(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Map<String, Object> message(Map<String, Object> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", fields.getOrDefault("role", "user"));
        if (fields.containsKey("content")) {
            m.put("content", fields.get("content"));
        }
        if (fields.containsKey("name")) {
            m.put("name", fields.get("name"));
        }
        return m;
    }

    private static List<Map<String, Object>> indexed(Map<String, Object> attrs, String prefix) {
        Map<Integer, Map<String, Object>> byIndex = new TreeMap<>();
        for (Map.Entry<String, Object> e : attrs.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            Matcher m = INDEXED.matcher(e.getKey());
            if (m.matches() && m.group(1).equals(prefix) && !m.group(4).contains(".")) {
                byIndex.computeIfAbsent(Integer.parseInt(m.group(2)), k -> new LinkedHashMap<>())
                        .put(m.group(4), e.getValue());
            }
        }
        return new ArrayList<>(byIndex.values());
    }
}
