package dev.vigil.spi.notify;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a monitor's notifications go: a notifier type ({@code webhook}, {@code slack}, {@code log}, or a plug-in's)
 * and its settings. Settings hold secrets (webhook URLs, HMAC keys), so {@link #toString()} prints only their
 * names.
 *
 * @param type the notifier type
 * @param settings its settings, e.g. {@code url}, {@code secret}
 */
public record NotifierConfig(String type, Map<String, String> settings) {

    /** Validates and freezes. */
    public NotifierConfig {
        if (type == null || type.isBlank()) {
            throw new InvalidInputException("a notifier needs a type (webhook, slack, log, or a plug-in's)");
        }
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }

    /**
     * @param key a setting
     * @return its value
     * @throws InvalidInputException if it is missing or blank (naming the setting, never a value)
     */
    public String require(String key) {
        String v = settings.get(key);
        if (v == null || v.isBlank()) {
            throw new InvalidInputException("notifier '" + type + "' needs the setting '" + key + "'");
        }
        return v;
    }

    @Override
    public String toString() {
        Map<String, String> masked = new TreeMap<>();
        settings.keySet().forEach(k -> masked.put(k, "****"));
        return "NotifierConfig[type=" + type + ", settings=" + masked + "]";
    }

    /**
     * Encodes destinations as stores keep them: {@code [{"type": "slack", "settings": {"url": "..."}}]}.
     *
     * @param configs destinations
     * @return their JSON (with the secrets: for storage only, never for display)
     */
    public static String writeAll(List<NotifierConfig> configs) {
        List<Object> out = new ArrayList<>();
        for (NotifierConfig c : configs) {
            out.add(Map.of("type", c.type(), "settings", new TreeMap<>(c.settings())));
        }
        return Json.write(out);
    }

    /**
     * Decodes {@link #writeAll}'s JSON.
     *
     * @param json the JSON, null or blank for none
     * @return the destinations
     * @throws InvalidInputException if it is not a list of {@code {type, settings}} objects
     */
    public static List<NotifierConfig> readAll(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        if (!(Json.parse(json) instanceof List<?> list)) {
            throw new InvalidInputException("notification destinations are a JSON list of {type, settings} objects");
        }
        List<NotifierConfig> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("type") instanceof String type)) {
                throw new InvalidInputException("each notification destination is an object with a type and "
                        + "settings");
            }
            Map<String, String> settings = new LinkedHashMap<>();
            if (m.get("settings") instanceof Map<?, ?> s) {
                s.forEach((k, v) -> settings.put(String.valueOf(k), String.valueOf(v)));
            }
            out.add(new NotifierConfig(type, settings));
        }
        return List.copyOf(out);
    }
}
