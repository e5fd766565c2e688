package dev.vigil.testkit.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One scripted answer of a {@link ScriptedHttpServer}.
 *
 * @param status the HTTP status
 * @param headers response headers (immutable)
 * @param body the response body (UTF-8), never null
 * @param delay how long to wait before answering (a slow server), zero for none
 * @param dropConnection true to close the connection without any response (a reset)
 */
public record ScriptedReply(int status, Map<String, String> headers, String body, Duration delay,
        boolean dropConnection) {

    /** Validates and freezes. */
    public ScriptedReply {
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        body = body == null ? "" : body;
        delay = delay == null ? Duration.ZERO : delay;
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100..599, got " + status);
        }
    }

    /** @param body a JSON body @return a 200 JSON reply */
    public static ScriptedReply json(String body) {
        return json(200, body);
    }

    /** @param status a status @param body a JSON body @return a JSON reply */
    public static ScriptedReply json(int status, String body) {
        return new ScriptedReply(status, Map.of("Content-Type", "application/json"), body, Duration.ZERO, false);
    }

    /** @return a reply that drops the connection without answering */
    public static ScriptedReply reset() {
        return new ScriptedReply(200, Map.of(), "", Duration.ZERO, true);
    }

    /** @param name a header @param value its value @return a copy with that header */
    public ScriptedReply withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        return new ScriptedReply(status, h, body, delay, dropConnection);
    }

    /** @param d a delay @return a copy answering only after that delay */
    public ScriptedReply delayedBy(Duration d) {
        return new ScriptedReply(status, headers, body, d, dropConnection);
    }
}
