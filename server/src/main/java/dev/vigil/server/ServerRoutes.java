package dev.vigil.server;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.otel.OtlpDecoder;
import dev.vigil.server.api.ApiRouter;
import dev.vigil.server.api.HttpIo;
import dev.vigil.server.web.DashboardHandler;
import dev.vigil.server.web.TokenAuth;
import dev.vigil.spi.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The server's routes and who may call them: OTLP traces, metrics and the extra routes behind the bearer token (when
 * one is set), {@code /health} open, and with the dashboard the REST API (token or sign-in cookie) and the
 * dashboard pages.
 */
final class ServerRoutes {

    private ServerRoutes() {}

    /**
     * Creates the contexts on the server.
     *
     * @param token the bearer token, or null for none
     * @param routes the builder's extra routes by path prefix
     * @param api the REST API when the dashboard is served, else null
     */
    static void wire(HttpServer http, String token, HttpHandler traces, HttpHandler health, HttpHandler metrics,
            Map<String, HttpHandler> routes, ApiRouter api) {
        http.createContext("/v1/traces", guarded(token, traces));
        http.createContext("/health", health);
        http.createContext("/metrics", guarded(token, metrics));
        routes.forEach((path, handler) -> http.createContext(path, guarded(token, handler)));
        if (api != null) {
            TokenAuth auth = new TokenAuth(token);
            http.createContext(ApiRouter.PREFIX, ex -> {
                if (!auth.allows(ex)) {
                    try (ex) {
                        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                        HttpIo.send(ex, 401, "application/json; charset=utf-8", Json.write(Map.of("error", Map.of(
                                "code", "UNAUTHENTICATED", "message", "missing or wrong token: send Authorization:"
                                        + " Bearer $VIGIL_SERVER_TOKEN, or sign in at /login")))
                                .getBytes(StandardCharsets.UTF_8));
                    }
                    return;
                }
                api.handle(ex);
            });
            if (!routes.containsKey("/")) {
                http.createContext("/", new DashboardHandler(auth));
            }
        }
    }

    /** @return the handler behind the bearer token (compared in constant time), or as it is without a token */
    static HttpHandler guarded(String token, HttpHandler inner) {
        if (token == null) {
            return inner;
        }
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        return ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(expected, auth.strip().getBytes(StandardCharsets.UTF_8))) {
                try (ex) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                    OtlpTracesHandler.send(ex, 401, OtlpDecoder.Encoding.JSON, Json.write(Map.of("code", 16,
                            "message", "missing or wrong bearer token (Authorization: Bearer $VIGIL_SERVER_TOKEN)"))
                            .getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            inner.handle(ex);
        };
    }
}
