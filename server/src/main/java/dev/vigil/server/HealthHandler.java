package dev.vigil.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vigil.otel.OtlpDecoder;
import dev.vigil.spi.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /health}: {@code UP}, {@code DRAINING} or {@code DOWN} (HTTP 503 for the last two), the traces being
 * assembled, and the sections added with {@link VigilServer#healthSection}, read at each request.
 */
final class HealthHandler implements HttpHandler {
    private final BooleanSupplier draining;
    private final IntSupplier openTraces;
    private final Map<String, Supplier<Map<String, Object>>> sections = new ConcurrentSkipListMap<>();

    HealthHandler(BooleanSupplier draining, IntSupplier openTraces) {
        this.draining = draining;
        this.openTraces = openTraces;
    }

    /** @see VigilServer#healthSection(String, Supplier) */
    void section(String name, Supplier<Map<String, Object>> section) {
        Objects.requireNonNull(section, "section");
        if (name == null || name.isBlank() || name.equals("status") || name.equals("openTraces")) {
            throw new IllegalArgumentException("a health section needs a name other than status and openTraces, got "
                    + name);
        }
        sections.put(name, section);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", draining.getAsBoolean() ? "DRAINING" : "UP");
            body.put("openTraces", openTraces.getAsInt());
            boolean down = false;
            for (var e : sections.entrySet()) {
                Map<String, Object> section;
                try {
                    section = e.getValue().get();
                } catch (RuntimeException failure) {
                    section = Map.of("status", "DOWN", "error", failure.toString());
                }
                down |= "DOWN".equals(section.get("status"));
                body.put(e.getKey(), section);
            }
            if (down && !draining.getAsBoolean()) {
                body.put("status", "DOWN");
            }
            byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
            OtlpTracesHandler.send(ex, draining.getAsBoolean() || down ? 503 : 200, OtlpDecoder.Encoding.JSON, bytes);
        }
    }
}
