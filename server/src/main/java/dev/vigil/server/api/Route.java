package dev.vigil.server.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One API route: a method, a path template relative to {@code /api/v1} with {@code {name}} segments, and what
 * answers it.
 *
 * @param method the HTTP method
 * @param template e.g. {@code /experiments/{experiment}/scorers/{name}}
 * @param handler the handler
 */
record Route(String method, String template, Handler handler) {

    /** Answers one matched request. */
    @FunctionalInterface
    interface Handler {
        /**
         * @param req the request
         * @return the reply
         */
        Reply handle(Request req) throws java.io.IOException;
    }

    /**
     * @param status the HTTP status
     * @param body a JSON-like value
     */
    record Reply(int status, Object body) {
        static Reply ok(Object body) {
            return new Reply(200, body);
        }

        static Reply created(Object body) {
            return new Reply(201, body);
        }
    }

    /**
     * @param path a path relative to {@code /api/v1}
     * @return the path parameters when the path matches the template
     */
    Optional<Map<String, String>> match(String path) {
        List<String> want = segments(template);
        List<String> got = segments(path);
        if (want.size() != got.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < want.size(); i++) {
            String w = want.get(i);
            if (w.startsWith("{") && w.endsWith("}")) {
                if (got.get(i).isEmpty()) {
                    return Optional.empty();
                }
                params.put(w.substring(1, w.length() - 1), got.get(i));
            } else if (!w.equals(got.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    private static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? List.of() : List.of(p.split("/", -1));
    }
}
