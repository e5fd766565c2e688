package dev.vigil.testkit.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request a {@link ScriptedHttpServer} received.
 *
 * @param method the method
 * @param path the path with the query, e.g. {@code /v1/chat/completions}
 * @param headers header name (lower case) → values (immutable)
 * @param body the body as UTF-8 text
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, String body) {
    /** Freezes. */
    public RecordedRequest {
        headers = Map.copyOf(headers);
    }

    /** @param name a header name, any case @return its first value, or null */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
