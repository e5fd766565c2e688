package dev.vigil.server.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vigil.core.Vigil;
import dev.vigil.core.filter.FilterSyntaxException;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.LimitExceededException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST/JSON API under {@code /api/v1}: experiments, scorers, traces, assessments, aggregates, backfills,
 * budgets, monitors and health, plus its OpenAPI document at {@code /api/v1/openapi.json}. Errors are {@code {"error": {"code",
 * "message"}}} with a 4xx status and never a stack trace; an unexpected failure is a 500 whose message names the
 * failure's class only (the details go to the server log).
 *
 * <p>Writes (any method but GET/HEAD) must be {@code Content-Type: application/json} and same-origin: a cross-site
 * form cannot send them, and a cross-site script cannot without a CORS preflight this API never grants.
 */
public final class ApiRouter implements HttpHandler {

    /** Where the API is mounted. */
    public static final String PREFIX = "/api/v1";

    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);

    private final List<Route> routes;
    private final long maxBodyBytes;
    private final byte[] openApi;

    /**
     * @param vigil the embedded Vigil
     * @param clock the clock for default time ranges and human assessment times
     * @param maxBodyBytes the largest request body accepted
     */
    public ApiRouter(Vigil vigil, Clock clock, long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        EngineHealthView health = new EngineHealthView(vigil, clock);
        ScorersApi scorers = new ScorersApi(vigil, health);
        List<Route> all = new ArrayList<>();
        all.addAll(new TracesApi(vigil, clock).routes());
        all.addAll(scorers.routes());
        all.addAll(new QualityApi(vigil, clock, health, scorers).routes());
        all.addAll(new BudgetsApi(vigil, clock).routes());
        this.routes = List.copyOf(all);
        try (InputStream in = ApiRouter.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json missing from the server jar");
            }
            this.openApi = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return "METHOD /template" for every route, for the OpenAPI check */
    public List<String> routeKeys() {
        List<String> keys = new ArrayList<>(routes.stream().map(r -> r.method() + " " + r.template()).toList());
        keys.add("GET /openapi.json");
        return keys;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            String raw = ex.getRequestURI().getRawPath();
            String path = raw.length() > PREFIX.length() ? raw.substring(PREFIX.length()) : "/";
            try {
                if (!raw.startsWith(PREFIX + "/") && !raw.equals(PREFIX)) {
                    throw ApiException.notFound("no API route " + raw);
                }
                if (path.equals("/openapi.json") && (method.equals("GET") || method.equals("HEAD"))) {
                    HttpIo.send(ex, 200, "application/json; charset=utf-8", openApi);
                    return;
                }
                Route.Reply reply = dispatch(ex, method, path);
                HttpIo.json(ex, reply.status(), reply.body());
            } catch (ApiException e) {
                HttpIo.json(ex, e.status(), HttpIo.error(e.code(), e.getMessage()));
            } catch (FilterSyntaxException e) {
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("code", "INVALID_FILTER");
                err.put("message", e.getMessage());
                err.put("column", e.column());
                err.put("token", e.token());
                err.put("expected", e.expected());
                HttpIo.json(ex, 400, Map.of("error", err));
            } catch (LimitExceededException e) {
                HttpIo.json(ex, 413, HttpIo.error("REQUEST_LIMIT_EXCEEDED", e.getMessage()));
            } catch (NotFoundException e) {
                HttpIo.json(ex, 404, HttpIo.error("RESOURCE_DOES_NOT_EXIST", e.getMessage()));
            } catch (InvalidInputException e) {
                HttpIo.json(ex, 400, HttpIo.error("INVALID_PARAMETER_VALUE", e.getMessage()));
            } catch (StaleWriteException | IllegalStateException e) {
                HttpIo.json(ex, 409, HttpIo.error("CONFLICT", e.getMessage()));
            } catch (IOException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.error("API {} {} failed", method, raw, e);
                HttpIo.json(ex, 500, HttpIo.error("INTERNAL_ERROR", "the server failed answering this request ("
                        + e.getClass().getSimpleName() + "); see the server log"));
            }
        }
    }

    private Route.Reply dispatch(HttpExchange ex, String method, String path) throws IOException {
        List<String> allowed = new ArrayList<>();
        for (Route r : routes) {
            Optional<Map<String, String>> params = r.match(path);
            if (params.isEmpty()) {
                continue;
            }
            if (!r.method().equals(method) && !(method.equals("HEAD") && r.method().equals("GET"))) {
                allowed.add(r.method());
                continue;
            }
            boolean write = !method.equals("GET") && !method.equals("HEAD");
            if (write) {
                checkSameOrigin(ex);
            }
            Map<String, String> decoded = new LinkedHashMap<>();
            params.get().forEach((k, v) -> decoded.put(k, URLDecoder.decode(v.replace("+", "%2B"),
                    StandardCharsets.UTF_8)));
            String body = write ? HttpIo.body(ex, maxBodyBytes) : "";
            return r.handler().handle(new Request(method, decoded, HttpIo.query(ex.getRequestURI().getRawQuery()),
                    body));
        }
        if (!allowed.isEmpty()) {
            ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
            throw new ApiException(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + PREFIX + path
                    + "; allowed: " + String.join(", ", allowed));
        }
        throw ApiException.notFound("no API route " + method + " " + PREFIX + path + " (see " + PREFIX
                + "/openapi.json)");
    }

    /** Refuses writes a browser may have sent on another site's behalf. */
    private static void checkSameOrigin(HttpExchange ex) {
        var h = ex.getRequestHeaders();
        String type = h.getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "writes must be sent as Content-Type:"
                    + " application/json (got " + (type == null ? "none" : type) + ")");
        }
        String site = h.getFirst("Sec-Fetch-Site");
        if (site != null && site.equalsIgnoreCase("cross-site")) {
            throw new ApiException(403, "PERMISSION_DENIED", "cross-site writes are refused");
        }
        String origin = h.getFirst("Origin");
        String host = h.getFirst("Host");
        if (origin != null && host != null) {
            String o = origin.replaceFirst("^https?://", "");
            if (origin.equals("null") || !o.equalsIgnoreCase(host)) {
                throw new ApiException(403, "PERMISSION_DENIED", "cross-origin writes are refused (Origin "
                        + origin + ", Host " + host + ")");
            }
        }
    }
}
