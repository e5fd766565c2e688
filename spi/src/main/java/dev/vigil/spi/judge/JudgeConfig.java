package dev.vigil.spi.judge;

import dev.vigil.spi.json.Json;
import java.util.Map;

/**
 * Settings for a judge provider: API keys, base URLs, timeouts, read from a builder and the environment.
 * {@link #toString()} never shows values, so keys never reach logs.
 *
 * @param settings key → value (immutable)
 */
public record JudgeConfig(Map<String, String> settings) {
    /** Freezes. */
    public JudgeConfig {
        settings = Json.freezeStrings(settings);
    }

    /** @param key a setting @return its value, or null */
    public String get(String key) {
        return settings.get(key);
    }

    @Override
    public String toString() {
        return "JudgeConfig" + settings.keySet();
    }
}
