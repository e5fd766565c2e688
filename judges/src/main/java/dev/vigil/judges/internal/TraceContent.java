package dev.vigil.judges.internal;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.RetrievedDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads what the judges show the model out of a scorer's inputs, outputs, expectations and trace. */
public final class TraceContent {
    private static final List<String> REQUEST_KEYS = List.of("request", "query", "question", "input", "prompt");
    private static final List<String> RESPONSE_KEYS = List.of("response", "output", "answer", "content", "text");

    private TraceContent() {}

    /**
     * The user's request: a string as it is; a chat request's last user message; the one value of a one-key map;
     * {@code request}/{@code query}/{@code question}/{@code input}/{@code prompt}; else the inputs as JSON.
     *
     * @param inputs the root span's inputs
     * @return the request text
     */
    public static String request(Object inputs) {
        if (inputs == null) {
            return "";
        }
        if (inputs instanceof String s) {
            return s;
        }
        if (inputs instanceof Map<?, ?> m) {
            if (m.get("messages") instanceof List<?> messages) {
                for (int i = messages.size() - 1; i >= 0; i--) {
                    if (messages.get(i) instanceof Map<?, ?> msg && "user".equals(msg.get("role"))) {
                        return messageText(msg.get("content"));
                    }
                }
            }
            for (String k : REQUEST_KEYS) {
                if (m.get(k) != null) {
                    return text(m.get(k));
                }
            }
            if (m.size() == 1) {
                return text(m.values().iterator().next());
            }
        }
        return Json.write(inputs);
    }

    /**
     * The application's response: a string as it is; a chat completion's first choice; the last assistant
     * message; {@code response}/{@code output}/{@code answer}/{@code content}/{@code text}; else the outputs as JSON.
     *
     * @param outputs the root span's outputs
     * @return the response text
     */
    public static String response(Object outputs) {
        if (outputs == null) {
            return "";
        }
        if (outputs instanceof String s) {
            return s;
        }
        if (outputs instanceof Map<?, ?> m) {
            if (m.get("choices") instanceof List<?> choices && !choices.isEmpty()
                    && choices.get(0) instanceof Map<?, ?> c0 && c0.get("message") instanceof Map<?, ?> msg) {
                return messageText(msg.get("content"));
            }
            if (m.get("messages") instanceof List<?> messages) {
                for (int i = messages.size() - 1; i >= 0; i--) {
                    if (messages.get(i) instanceof Map<?, ?> msg && "assistant".equals(msg.get("role"))) {
                        return messageText(msg.get("content"));
                    }
                }
            }
            for (String k : RESPONSE_KEYS) {
                if (m.get(k) != null) {
                    return text(m.get(k));
                }
            }
            if (m.size() == 1) {
                return text(m.values().iterator().next());
            }
        }
        return Json.write(outputs);
    }

    static String messageText(Object content) {
        if (content instanceof List<?> parts) {
            StringBuilder b = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof Map<?, ?> pm && pm.get("text") != null) {
                    b.append(b.isEmpty() ? "" : "\n").append(pm.get("text"));
                }
            }
            return b.toString();
        }
        return text(content);
    }

    /** @param v a JSON value @return a string as it is, anything else as JSON */
    public static String text(Object v) {
        return v == null ? "" : v instanceof String s ? s : Json.write(v);
    }

    /** @param docs retrieved documents @return them numbered, with their URIs */
    public static String documents(List<RetrievedDocument> docs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < docs.size(); i++) {
            RetrievedDocument d = docs.get(i);
            b.append("[").append(i + 1).append("]");
            if (d.docUri() != null) {
                b.append(" (").append(d.docUri()).append(")");
            }
            b.append(" ").append(d.content()).append('\n');
        }
        return b.toString().strip();
    }

    /** @param items a list or a single value @return a bulleted list */
    public static String bullets(Object items) {
        if (items instanceof List<?> list) {
            StringBuilder b = new StringBuilder();
            for (Object o : list) {
                b.append("- ").append(text(o)).append('\n');
            }
            return b.toString().strip();
        }
        return "- " + text(items);
    }

    /**
     * @param trace a trace
     * @return its TOOL spans as {name, arguments, result} in order, for the tool-call judges
     */
    public static List<Map<String, Object>> toolCalls(Trace trace) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Span s : trace.spansOfType(SpanTypes.TOOL)) {
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("span_id", s.spanId());
            call.put("name", s.name());
            call.put("arguments", s.inputs());
            call.put("result", s.outputs());
            call.put("status", s.status().code().name());
            out.add(call);
        }
        return out;
    }

    /** @param trace a trace @return the tools offered to its LLM spans ({@code mlflow.chat.tools}), if any */
    public static List<Object> availableTools(Trace trace) {
        List<Object> tools = new ArrayList<>();
        for (Span s : trace.spans()) {
            if (s.attributes().get("mlflow.chat.tools") instanceof List<?> l) {
                for (Object t : l) {
                    if (!tools.contains(t)) {
                        tools.add(t);
                    }
                }
            }
        }
        return tools;
    }

    /**
     * @param trace a trace
     * @return its spans as JSON (id, parent, name, type, status, inputs, outputs), for template judges
     */
    public static String trace(Trace trace) {
        List<Map<String, Object>> spans = new ArrayList<>();
        for (Span s : trace.spans()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("span_id", s.spanId());
            m.put("parent_span_id", s.parentSpanId());
            m.put("name", s.name());
            m.put("span_type", s.spanType());
            m.put("status", s.status().code().name());
            m.put("inputs", s.inputs());
            m.put("outputs", s.outputs());
            spans.add(m);
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("trace_id", trace.traceId());
        t.put("spans", spans);
        return Json.write(t);
    }

    /**
     * @param tag a tag
     * @param content its content, trace data
     * @return {@code <tag>content</tag>} on their own lines, the content {@linkplain #asData(String) made inert}
     */
    public static String section(String tag, String content) {
        return "<" + tag + ">\n" + asData(content) + "\n</" + tag + ">\n";
    }

    /**
     * Makes trace data safe to put between a judge prompt's tags: every character that could open a tag
     * ({@code <} and its full-width and small-form look-alikes) is written {@code &lt;}, so the data can neither
     * close its own section nor open a new one, whatever it holds ({@code </response>}, {@code <system>}...).
     * The system prompt tells the model so.
     *
     * @param content trace data, or null
     * @return the content with every tag opener escaped ("" for null)
     */
    public static String asData(String content) {
        if (content == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c == '<' || c == '\uFF1C' || c == '\uFE64') {
                if (out == null) {
                    out = new StringBuilder(content.length() + 16).append(content, 0, i);
                }
                out.append("&lt;");
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? content : out.toString();
    }
}
