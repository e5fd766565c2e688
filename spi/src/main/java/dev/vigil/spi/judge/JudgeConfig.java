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
    /**
     * The per-call timeout every provider honours, in milliseconds: the judge runtime always sets it (from
     * {@code JudgeRuntime.Builder.timeout}); a provider reads it with {@link #timeoutMillis(long)}.
     */
    public static final String TIMEOUT_MS = "vigil.judge.timeout_ms";

    /** Freezes. */
    public JudgeConfig {
        settings = Json.freezeStrings(settings);
    }

    /** @param key a setting @return its value, or null */
    public String get(String key) {
        return settings.get(key);
    }

    /**
     * @param fallback the timeout when {@link #TIMEOUT_MS} is not set
     * @return the per-call timeout in milliseconds (> 0)
     * @throws dev.vigil.spi.InvalidInputException if the setting is not a positive whole number
     */
    public long timeoutMillis(long fallback) {
        String v = settings.get(TIMEOUT_MS);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long ms = Long.parseLong(v.trim());
            if (ms > 0) {
                return ms;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new dev.vigil.spi.InvalidInputException(TIMEOUT_MS + " must be a whole number of milliseconds > 0, got '"
                + v + "'");
    }

    @Override
    public String toString() {
        return "JudgeConfig" + settings.keySet();
    }
}
