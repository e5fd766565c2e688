package dev.vigil.server.api;

import dev.vigil.spi.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A small HTTP/1.1 client for API tests, over a plain socket (so that Origin and Sec-Fetch-* can be sent). */
final class Http {

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

    /** Sends one request over a plain socket, so that any header (Origin, Sec-Fetch-Site...) goes as written. */
    Reply call(String method, String path, String type, String body, String... headers) throws IOException {
        URI uri = URI.create(base + path);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(method + " " + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n");
        req.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        req.append("Connection: close\r\n");
        boolean typed = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null) {
            if (type != null && !typed) {
                req.append("Content-Type: ").append(type).append("\r\n");
            }
            req.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        req.append("\r\n");
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException refusedEarly) {
                // the server answered (e.g. 413) and closed before reading the whole body: read its answer
            }
            byte[] all = socket.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, split).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                h.computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new java.util.ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
            String rest = text.substring(split + 4);
            if (h.containsKey("Transfer-Encoding")) {
                throw new IOException("the API answers with a Content-Length; got Transfer-Encoding "
                        + h.get("Transfer-Encoding"));
            }
            return new Reply(status, h, rest);
        }
    }
}
