package dev.vigil.server.api;

import com.sun.net.httpserver.HttpExchange;
import dev.vigil.spi.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading requests and writing JSON replies, with the size limit and the headers every reply carries. */
public final class HttpIo {

    private HttpIo() {}

    /**
     * @param ex the exchange
     * @param limit the largest body accepted, in bytes
     * @return the body as UTF-8 text
     * @throws ApiException 413 when the body is larger than the limit
     */
    static String body(HttpExchange ex, long limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > limit) {
                    throw tooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number: " + declared);
            }
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = ex.getRequestBody()) {
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) > 0) {
                if (buf.size() + (long) n > limit) {
                    throw tooLarge(limit);
                }
                buf.write(chunk, 0, n);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(413, "REQUEST_LIMIT_EXCEEDED", "request body larger than " + limit
                + " bytes (the API's limit; vigil serve --max-request-size changes it)");
    }

    /**
     * @param query the raw query string, or null
     * @return its parameters, URL-decoded; the first value of a repeated one wins
     */
    static Map<String, String> query(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String part : query.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /**
     * Sends a JSON reply with the headers that keep browsers from sniffing or framing it.
     *
     * @param ex the exchange (closed by the caller)
     * @param status the HTTP status
     * @param body a JSON-like value
     */
    static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param ex the exchange (closed by the caller)
     * @param status the HTTP status
     * @param contentType the content type
     * @param bytes the body
     */
    public static void send(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", contentType);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Cache-Control", "no-store");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head || bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * @param code a stable code, e.g. {@code INVALID_PARAMETER_VALUE}
     * @param message what was wrong and what is allowed
     * @return the error body {@code {"error": {"code", "message"}}}
     */
    static Map<String, Object> error(String code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", code);
        e.put("message", message);
        return Map.of("error", e);
    }
}
