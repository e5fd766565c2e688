package dev.vigil.core.notify;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.notify.Notification;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The webhook's JSON body of a notification (NaN values are left out; a budget's names its budget, not a monitor). */
final class NotificationJson {
    private NotificationJson() {}

    static Map<String, Object> map(Notification n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("experiment_id", n.experimentId());
        m.put("kind", n.kind());
        m.put(n.isBudget() ? "budget" : "monitor", n.subject());
        m.put("from", n.from());
        m.put("to", n.to());
        m.put("at", n.at().toString());
        m.put("metric", n.metric());
        if (Double.isFinite(n.value())) {
            m.put("value", n.value());
        }
        if (Double.isFinite(n.low()) && Double.isFinite(n.high())) {
            m.put("interval", Map.of("low", n.low(), "high", n.high()));
        }
        m.put("sample_size", n.sampleSize());
        m.put("window", Map.of("start", n.windowStart().toString(), "end", n.windowEnd().toString()));
        m.put("trace_ids", n.traceIds());
        m.put("test", n.test());
        return m;
    }

    static String write(Notification n) {
        return Json.write(map(n));
    }

    /**
     * @param json what {@link #write} wrote
     * @return the notification (values left out are NaN)
     * @throws dev.vigil.spi.InvalidInputException if it is not such JSON
     */
    static Notification read(String json) {
        JsonNode m = Json.readTree(json);
        String kind = m.path("kind").asText(Notification.MONITOR);
        boolean budget = Notification.BUDGET.equals(kind);
        List<String> traces = new ArrayList<>();
        m.path("trace_ids").forEach(t -> traces.add(t.asText()));
        try {
            return new Notification(m.get("id").asText(), m.get("experiment_id").asText(),
                    m.get(budget ? "budget" : "monitor").asText(), m.get("from").asText(), m.get("to").asText(),
                    Instant.parse(m.get("at").asText()), m.get("metric").asText(), number(m.get("value")),
                    number(m.path("interval").get("low")), number(m.path("interval").get("high")),
                    m.path("sample_size").asLong(), Instant.parse(m.path("window").get("start").asText()),
                    Instant.parse(m.path("window").get("end").asText()), traces, m.path("test").asBoolean(), kind);
        } catch (NullPointerException | java.time.format.DateTimeParseException e) {
            throw new dev.vigil.spi.InvalidInputException("not a stored notification: a field is missing or "
                    + "malformed (" + e.getMessage() + ")");
        }
    }

    private static double number(JsonNode n) {
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }
}
