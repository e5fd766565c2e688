package dev.vigil.spi.filter;

import dev.vigil.spi.InvalidInputException;
import java.util.Objects;
import java.util.Set;

/**
 * A field of a trace named in a filter.
 *
 * @param kind what part of the trace
 * @param key the key within it: the attribute name, tag key, metadata key, span attribute key, or assessment
 *     name; for {@link FieldKind#SPAN_NAME}, {@link FieldKind#SPAN_TYPE}, {@link FieldKind#SPAN_STATUS} the words
 *     {@code name}, {@code type}, {@code status}
 */
public record Field(FieldKind kind, String key) {

    /** The trace attributes a filter may name. */
    public static final Set<String> TRACE_ATTRIBUTES = Set.of("status", "timestamp_ms", "execution_time_ms",
            "end_time_ms", "name", "client_request_id", "run_id", "request_id");

    /** Validates. */
    public Field {
        Objects.requireNonNull(kind, "kind");
        if (key == null || key.isEmpty()) {
            throw new InvalidInputException("a filter field needs a key after '" + kind.prefix() + ".'");
        }
        switch (kind) {
            case ATTRIBUTE -> {
                if (!TRACE_ATTRIBUTES.contains(key)) {
                    throw new InvalidInputException("unknown trace attribute '" + key + "'; allowed: "
                            + String.join(", ", TRACE_ATTRIBUTES.stream().sorted().toList()));
                }
            }
            case SPAN_NAME -> requireKey(key, "name");
            case SPAN_TYPE -> requireKey(key, "type");
            case SPAN_STATUS -> requireKey(key, "status");
            default -> { }
        }
    }

    private static void requireKey(String key, String expected) {
        if (!key.equals(expected)) {
            throw new InvalidInputException("span field key must be '" + expected + "', got '" + key + "'");
        }
    }

    /** @param key a trace attribute @return the field */
    public static Field attribute(String key) {
        return new Field(FieldKind.ATTRIBUTE, key);
    }

    /** @param key a tag key @return the field */
    public static Field tag(String key) {
        return new Field(FieldKind.TAG, key);
    }

    /** @param key a metadata key @return the field */
    public static Field metadata(String key) {
        return new Field(FieldKind.METADATA, key);
    }

    /** @param name an assessment name @return the field */
    public static Field feedback(String name) {
        return new Field(FieldKind.FEEDBACK, name);
    }

    /** @return true if this field holds numbers (timestamps and durations) */
    public boolean isNumeric() {
        return kind == FieldKind.ATTRIBUTE
                && (key.equals("timestamp_ms") || key.equals("execution_time_ms") || key.equals("end_time_ms"));
    }

    /** @return the field as a filter string writes it, keys with special characters in backticks */
    public String toFilterString() {
        return switch (kind) {
            case SPAN_NAME -> "span.name";
            case SPAN_TYPE -> "span.type";
            case SPAN_STATUS -> "span.status";
            default -> kind.prefix() + "." + quoteKey(key);
        };
    }

    private static String quoteKey(String key) {
        boolean plain = !key.isEmpty() && (Character.isLetter(key.charAt(0)) || key.charAt(0) == '_');
        for (int i = 0; plain && i < key.length(); i++) {
            char c = key.charAt(i);
            plain = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
        }
        return plain ? key : "`" + key.replace("`", "``") + "`";
    }
}
