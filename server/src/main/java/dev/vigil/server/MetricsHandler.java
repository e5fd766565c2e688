package dev.vigil.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vigil.otel.OtlpDecoder;
import dev.vigil.spi.json.Json;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /metrics}: the registry's meters as Prometheus text (what scrapers and curl get), or as JSON for
 * {@code Accept: application/json} / {@code ?format=json}.
 */
final class MetricsHandler implements HttpHandler {
    private final MeterRegistry metrics;

    MetricsHandler(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        String query = ex.getRequestURI().getRawQuery();
        boolean json = (query != null && query.contains("format=json"))
                || (accept != null && accept.contains("application/json"));
        if (json) {
            json(ex);
            return;
        }
        try (ex) {
            byte[] body = PrometheusText.write(metrics).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private void json(HttpExchange ex) throws IOException {
        try (ex) {
            List<Map<String, Object>> meters = new ArrayList<>();
            for (Meter m : metrics.getMeters()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", m.getId().getName());
                Map<String, String> tags = new LinkedHashMap<>();
                m.getId().getTags().forEach(t -> tags.put(t.getKey(), t.getValue()));
                e.put("tags", tags);
                Map<String, Double> values = new LinkedHashMap<>();
                m.measure().forEach(ms -> values.put(ms.getStatistic().name().toLowerCase(Locale.ROOT),
                        ms.getValue()));
                e.put("measurements", values);
                meters.add(e);
            }
            OtlpTracesHandler.send(ex, 200, OtlpDecoder.Encoding.JSON,
                    Json.write(Map.of("meters", meters)).getBytes(StandardCharsets.UTF_8));
        }
    }
}
