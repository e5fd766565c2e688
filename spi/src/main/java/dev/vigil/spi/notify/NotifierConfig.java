package dev.vigil.spi.notify;

import dev.vigil.spi.InvalidInputException;
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
}
