package dev.vigil.server.api;

import dev.vigil.spi.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A small HTTP client for API tests (the JDK's HttpURLConnection; restricted headers such as Origin allowed). */
final class Http {

    static {
        System.setProperty("sun.net.http.allowRestrictedHeaders", "true");
    }

    record Reply(int status, Map<String, List<String>> headers, String text) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return (Map<String, Object>) Json.parse(text);
        }

        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.getFirst();
        }
    }

    private final String base;

    Http(String base) {
        this.base = base;
    }

    Reply get(String path, String... headers) throws IOException {
        return call("GET", path, null, null, headers);
    }

    Reply post(String path, Object json, String... headers) throws IOException {
        return call("POST", path, "application/json", json == null ? "" : Json.write(json), headers);
    }

    Reply delete(String path, String... headers) throws IOException {
        return call("DELETE", path, "application/json", "", headers);
    }

    Reply call(String method, String path, String type, String body, String... headers) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
        c.setRequestMethod(method);
        c.setInstanceFollowRedirects(false);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            c.setRequestProperty(headers[i], headers[i + 1]);
        }
        if (body != null) {
            if (type != null) {
                c.setRequestProperty("Content-Type", type);
            }
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        c.getHeaderFields().forEach((k, v) -> {
            if (k != null) {
                h.put(k, v);
            }
        });
        return new Reply(status, h, text);
    }
}
