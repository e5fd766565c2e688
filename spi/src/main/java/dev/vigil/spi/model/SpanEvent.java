package dev.vigil.spi.model;

import dev.vigil.spi.json.Json;
import java.util.Map;
import java.util.Objects;

/**
 * A timestamped event on a span, such as an {@code exception}.
 *
 * @param name the event name
 * @param timeUnixNano when it happened, nanoseconds since the epoch
 * @param attributes the event attributes as JSON values (immutable)
 */
public record SpanEvent(String name, long timeUnixNano, Map<String, Object> attributes) {
    /** Validates and freezes. */
    @SuppressWarnings("unchecked")
    public SpanEvent {
        Objects.requireNonNull(name, "name");
        attributes = attributes == null ? Map.of() : (Map<String, Object>) Json.freeze(attributes);
    }
}
