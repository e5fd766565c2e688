package dev.vigil.server.api;

import dev.vigil.spi.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * A matched API request: its path parameters, query parameters and JSON body.
 *
 * @param method the HTTP method
 * @param path path parameters by name
 * @param query query parameters by name
 * @param bodyText the request body (empty for none)
 */
record Request(String method, Map<String, String> path, Map<String, String> query, String bodyText) {

    /** @return the body parsed as a JSON object */
    @SuppressWarnings("unchecked")
    Map<String, Object> body() {
        if (bodyText == null || bodyText.isBlank()) {
            return Map.of();
        }
        Object parsed;
        try {
            parsed = Json.parse(bodyText);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return (Map<String, Object>) m;
    }

    String param(String name) {
        return path.get(name);
    }

    String queryParam(String name) {
        String v = query.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    int intQuery(String name, int dflt, int min, int max) {
        String v = queryParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number between " + min + " and " + max
                    + ", got '" + v + "'");
        }
    }

    Instant timeQuery(String name) {
        return time(name, queryParam(name));
    }

    static Instant time(String name, Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return Instant.ofEpochMilli(n.longValue());
        }
        String s = v.toString().strip();
        if (s.isEmpty()) {
            return null;
        }
        try {
            if (s.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(s));
            }
            return Instant.parse(s);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an ISO-8601 instant (2026-01-31T12:00:00Z) or epoch"
                    + " milliseconds, got '" + s + "'");
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
