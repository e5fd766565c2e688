package dev.vigil.spi.store;

import dev.vigil.spi.json.Json;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What a store is opened with besides its URI.
 *
 * @param clock the clock for create/update times and lease expiry (injected, never read from the wall inside)
 * @param properties backend-specific settings (pool size, fsync policy...), immutable
 */
public record StoreOptions(Clock clock, Map<String, String> properties) {
    /** Validates and freezes. */
    public StoreOptions {
        Objects.requireNonNull(clock, "clock");
        properties = Json.freezeStrings(properties);
    }

    /** @return the defaults: the system UTC clock, no properties */
    public static StoreOptions defaults() {
        return new StoreOptions(Clock.systemUTC(), Map.of());
    }

    /**
     * @param clock a clock
     * @return the defaults with that clock
     */
    public static StoreOptions withClock(Clock clock) {
        return new StoreOptions(clock, Map.of());
    }

    /**
     * @param key a property
     * @param defaultValue used when absent
     * @return the property's value
     */
    public String property(String key, String defaultValue) {
        return properties.getOrDefault(key, defaultValue);
    }
}
