package dev.vigil.core.monitor;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.notify.NotifierConfig;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Encodes a {@link MonitorDefinition} as the JSON kept in the store, and decodes it with validation. */
public final class MonitorJson {

    private MonitorJson() {}

    /**
     * @param d a definition
     * @return its JSON
     */
    public static String write(MonitorDefinition d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scorer", d.scorerName());
        if (d.feedbackName() != null) {
            m.put("feedback", d.feedbackName());
        }
        m.put("metric", d.metric().name().toLowerCase(Locale.ROOT));
        if (d.category() != null) {
            m.put("category", d.category());
        }
        m.put("window", d.window().toString());
        m.put("every", d.every().toString());
        m.put("direction", d.direction().name().toLowerCase(Locale.ROOT));
        if (d.warning() != null) {
            m.put("warning", d.warning());
        }
        if (d.critical() != null) {
            m.put("critical", d.critical());
        }
        m.put("min_samples", d.minSamples());
        m.put("confidence", d.confidence().name().toLowerCase(Locale.ROOT));
        m.put("late_data_delay", d.lateDataDelay().toString());
        m.put("hysteresis", d.hysteresis());
        List<Object> notify = new ArrayList<>();
        for (NotifierConfig n : d.destinations()) {
            notify.add(Map.of("type", n.type(), "settings", n.settings()));
        }
        m.put("notify", notify);
        return Json.write(m);
    }

    /**
     * @param json a definition's JSON
     * @return the validated definition
     * @throws InvalidInputException saying what is wrong
     */
    public static MonitorDefinition read(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> m)) {
            throw new InvalidInputException("a monitor definition is a JSON object");
        }
        List<NotifierConfig> notify = new ArrayList<>();
        if (m.get("notify") instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> n)) {
                    throw new InvalidInputException("each 'notify' entry is an object with a type and settings");
                }
                Map<String, String> settings = new LinkedHashMap<>();
                if (n.get("settings") instanceof Map<?, ?> s) {
                    s.forEach((k, v) -> settings.put(String.valueOf(k), String.valueOf(v)));
                }
                notify.add(new NotifierConfig(str(n, "type"), settings));
            }
        }
        return new MonitorDefinition(str(m, "scorer"), str(m, "feedback"),
                enumOf(MonitorMetric.class, str(m, "metric"), "metric"), str(m, "category"),
                duration(str(m, "window"), "window"), duration(str(m, "every"), "every"),
                enumOf(Direction.class, str(m, "direction"), "direction"), num(m, "warning"), num(m, "critical"),
                m.get("min_samples") == null ? MonitorDefinition.DEFAULT_MIN_SAMPLES : num(m, "min_samples").intValue(),
                enumOf(ConfidenceMode.class, str(m, "confidence"), "confidence"),
                duration(str(m, "late_data_delay"), "late_data_delay"),
                m.get("hysteresis") == null ? 0 : num(m, "hysteresis"), notify);
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : String.valueOf(v);
    }

    private static Double num(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("'" + key + "' must be a number, got '" + v + "'");
        }
    }

    /**
     * @param type the enum
     * @param value a name, any case, '-' for '_' (null gives null)
     * @param what the field, for the error
     * @param <E> the enum type
     * @return the constant
     */
    public static <E extends Enum<E>> E enumOf(Class<E> type, String value, String what) {
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                allowed.add(c.name().toLowerCase(Locale.ROOT));
            }
            throw new InvalidInputException("unknown " + what + " '" + value + "'; allowed: " + allowed);
        }
    }

    /**
     * @param text an ISO-8601 duration ({@code PT1H}) or a short form ({@code 90s}, {@code 5m}, {@code 1h},
     *     {@code 7d}); null gives null
     * @param what the field, for the error
     * @return the duration
     */
    public static Duration duration(String text, String what) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.length() >= 2) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                switch (t.charAt(t.length() - 1)) {
                    case 's': return Duration.ofSeconds(n);
                    case 'm': return Duration.ofMinutes(n);
                    case 'h': return Duration.ofHours(n);
                    case 'd': return Duration.ofDays(n);
                    default: break;
                }
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // fall through to the error
        }
        throw new InvalidInputException(what + " must be a duration like 90s, 5m, 1h, 7d or PT1H, got '" + text + "'");
    }
}
