package dev.vigil.core.notify;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.notify.Notification;
import java.util.LinkedHashMap;
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
}
