package dev.vigil.server.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vigil.server.api.HttpIo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard: a single-page app (HTML, JavaScript, CSS and the uPlot chart library, all inside the server jar:
 * nothing is fetched from elsewhere at run time) at {@code /}, and the login form when a token is required.
 * Every page carries a Content-Security-Policy that allows scripts from this server only, so that even markup
 * slipped into trace content could not run.
 */
public final class DashboardHandler implements HttpHandler {

    private static final String BASE = "/dev/vigil/server/web/";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png");
    private static final int MAX_LOGIN_BYTES = 4096;

    private final TokenAuth auth;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** @param auth who may see the dashboard */
    public DashboardHandler(TokenAuth auth) {
        this.auth = auth;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Content-Security-Policy", CSP);
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/login")) {
                login(ex, method);
                return;
            }
            if (path.equals("/logout") && method.equals("POST")) {
                ex.getResponseHeaders().add("Set-Cookie", TokenAuth.signOutCookie());
                ex.getResponseHeaders().set("Location", "/login");
                HttpIo.send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                HttpIo.send(ex, 405, "text/plain; charset=utf-8", "GET only".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/login.css")) {
                serve(ex, "login.css");
                return;
            }
            if (!auth.allows(ex)) {
                ex.getResponseHeaders().set("Location", "/login");
                HttpIo.send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
                return;
            }
            if (path.equals("/") || path.equals("/index.html")) {
                serve(ex, "index.html");
            } else if (path.startsWith("/assets/") && path.indexOf("..") < 0 && path.lastIndexOf('/') == 7) {
                serve(ex, path.substring(8));
            } else {
                HttpIo.send(ex, 404, "text/plain; charset=utf-8", ("no page " + path)
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void login(HttpExchange ex, String method) throws IOException {
        if (!auth.required()) {
            ex.getResponseHeaders().set("Location", "/");
            HttpIo.send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
            return;
        }
        if (method.equals("POST")) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_LOGIN_BYTES + 1);
            }
            String token = null;
            if (body.length <= MAX_LOGIN_BYTES) {
                for (String part : new String(body, StandardCharsets.UTF_8).split("&")) {
                    if (part.startsWith("token=")) {
                        token = URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8);
                    }
                }
            }
            if (auth.matches(token)) {
                ex.getResponseHeaders().add("Set-Cookie", auth.signInCookie());
                ex.getResponseHeaders().set("Location", "/");
                HttpIo.send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
                return;
            }
            sendLogin(ex, 401, "That is not the server's token.");
            return;
        }
        sendLogin(ex, 200, null);
    }

    private void sendLogin(HttpExchange ex, int status, String error) throws IOException {
        String html = new String(resource("login.html"), StandardCharsets.UTF_8).replace("<!--error-->",
                error == null ? "" : "<p class=\"error\" id=\"login-error\">" + error + "</p>");
        HttpIo.send(ex, status, TYPES.get("html"), html.getBytes(StandardCharsets.UTF_8));
    }

    private void serve(HttpExchange ex, String name) throws IOException {
        byte[] bytes;
        try {
            bytes = resource(name);
        } catch (IllegalArgumentException e) {
            HttpIo.send(ex, 404, "text/plain; charset=utf-8", ("no asset " + name).getBytes(StandardCharsets.UTF_8));
            return;
        }
        String ext = name.substring(name.lastIndexOf('.') + 1);
        HttpIo.send(ex, 200, TYPES.getOrDefault(ext, "application/octet-stream"), bytes);
    }

    private byte[] resource(String name) {
        return cache.computeIfAbsent(name, n -> {
            try (InputStream in = DashboardHandler.class.getResourceAsStream(BASE + n)) {
                if (in == null) {
                    throw new IllegalArgumentException("no asset " + n);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
