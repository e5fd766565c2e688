package dev.vigil.spi.scorer;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import java.util.Map;

/**
 * A scorer as data: a kind and a JSON configuration, enough for the module owning the kind (its
 * {@link ScorerCodec}) to rebuild the scorer after it was read back from storage.
 *
 * <p>Kinds in this codebase: {@code java} (vigil-core: a Java class name), {@code python} (vigil-python), and
 * {@code judge} (vigil-judges).
 *
 * @param kind the kind, e.g. {@code java}
 * @param config the configuration as a JSON object (immutable)
 */
public record ScorerDefinition(String kind, Map<String, Object> config) {
    /** Validates and freezes. */
    @SuppressWarnings("unchecked")
    public ScorerDefinition {
        if (kind == null || kind.isBlank()) {
            throw new InvalidInputException("a scorer definition needs a kind (e.g. java, python, judge)");
        }
        config = config == null ? Map.of() : (Map<String, Object>) Json.freeze(config);
    }

    /**
     * @param key a config key
     * @return its value as a string, or null
     */
    public String string(String key) {
        Object v = config.get(key);
        return v == null ? null : v.toString();
    }
}
