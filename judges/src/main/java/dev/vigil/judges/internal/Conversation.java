package dev.vigil.judges.internal;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.session.Session;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a session as the conversation a session-level judge reads ({@code {{ conversation }}}): each turn's user
 * message (the request read from the root span's inputs) and assistant message (the response read from its
 * outputs), in turn order, optionally with the turn's tool calls.
 */
public final class Conversation {
    private Conversation() {}

    /**
     * @param session a session
     * @param withToolCalls whether to list each turn's TOOL spans (name, arguments, result) under its turn
     * @return the conversation as text, one {@code user:} and one {@code assistant:} line per turn
     */
    public static String render(Session session, boolean withToolCalls) {
        StringBuilder b = new StringBuilder();
        int turn = 1;
        for (Trace t : session.traces()) {
            Span root = t.rootSpan().orElse(null);
            String user = root == null ? nullToEmpty(t.info().requestPreview()) : TraceContent.request(root.inputs());
            String assistant = root == null ? nullToEmpty(t.info().responsePreview())
                    : TraceContent.response(root.outputs());
            b.append("Turn ").append(turn++).append('\n');
            b.append("user: ").append(user).append('\n');
            if (withToolCalls) {
                List<Map<String, Object>> calls = TraceContent.toolCalls(t);
                for (Map<String, Object> c : calls) {
                    b.append("tool call: ").append(Json.write(c)).append('\n');
                }
            }
            b.append("assistant: ").append(assistant).append('\n');
        }
        return b.toString().strip();
    }

    /**
     * The application's system prompt: the first {@code system} message of a chat request ({@code messages} in a
     * span's inputs) in the first turn, the root span first, then the other spans in order.
     *
     * @param session a session
     * @return the system prompt's text, or empty when no span of the first turn sent one
     */
    public static Optional<String> systemPrompt(Session session) {
        Trace first = session.firstTrace();
        Span root = first.rootSpan().orElse(null);
        if (root != null) {
            Optional<String> s = systemMessage(root.inputs());
            if (s.isPresent()) {
                return s;
            }
        }
        for (Span span : first.spans()) {
            if (span != root) {
                Optional<String> s = systemMessage(span.inputs());
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> systemMessage(Object inputs) {
        if (inputs instanceof Map<?, ?> m && m.get("messages") instanceof List<?> messages) {
            for (Object o : messages) {
                if (o instanceof Map<?, ?> msg && "system".equals(msg.get("role"))) {
                    String text = TraceContent.messageText(msg.get("content"));
                    if (!text.isBlank()) {
                        return Optional.of(text);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
