package dev.vigil.spi.filter;

import dev.vigil.spi.InvalidInputException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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
            "end_time_ms", "name", "client_request_id", "run_id", "request_id", "prompt");

    /** MLflow's aliases of trace attributes: a filter may write the key on the left for the one on the right. */
    public static final Map<String, String> ATTRIBUTE_ALIASES = Map.of("timestamp", "timestamp_ms",
            "execution_time", "execution_time_ms", "end_time", "end_time_ms", "trace_id", "request_id");

    private static final Set<Operator> NUMBER_OPS = Collections.unmodifiableSet(EnumSet.of(Operator.EQ,
            Operator.NE, Operator.LT, Operator.LE, Operator.GT, Operator.GE, Operator.IN, Operator.NOT_IN,
            Operator.IS_NULL, Operator.IS_NOT_NULL));
    private static final Set<Operator> TEXT_OPS = Collections.unmodifiableSet(EnumSet.of(Operator.EQ, Operator.NE, Operator.IN, Operator.NOT_IN,
            Operator.LIKE, Operator.ILIKE, Operator.RLIKE, Operator.IS_NULL, Operator.IS_NOT_NULL));
    private static final Set<Operator> KEYED_OPS = Collections.unmodifiableSet(EnumSet.allOf(Operator.class));
    private static final Set<Operator> PROMPT_OPS = Set.of(Operator.EQ);
    private static final Set<Operator> CONTENT_OPS =
            Collections.unmodifiableSet(EnumSet.of(Operator.LIKE, Operator.ILIKE, Operator.RLIKE));
    private static final Set<Operator> ASSESSMENT_OPS = Collections.unmodifiableSet(EnumSet.of(Operator.EQ, Operator.NE, Operator.LT,
            Operator.LE, Operator.GT, Operator.GE, Operator.LIKE, Operator.ILIKE, Operator.RLIKE, Operator.IS_NULL,
            Operator.IS_NOT_NULL));

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
            case SPAN_CONTENT -> requireKey(key, "content");
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

    /** @param name an expectation name @return the field */
    public static Field expectation(String name) {
        return new Field(FieldKind.EXPECTATION, name);
    }

    /**
     * The comparators a filter string may use on this field: MLflow's per-field rules, plus Vigil's documented
     * extensions. Text attributes ({@code status}, {@code name}, ids) and {@code span.name}/{@code type}/
     * {@code status} take {@code = != IN NOT IN LIKE ILIKE RLIKE IS [NOT] NULL} but no ordering; the time
     * attributes take {@code = != < <= > >=} (and, beyond MLflow, {@code IN}, {@code NOT IN}, {@code IS [NOT] NULL});
     * assessments ({@code feedback.}, {@code expectation.}) take MLflow's {@code = != < <= > >= LIKE ILIKE RLIKE
     * IS [NOT] NULL} (no {@code IN}; ordering against numbers only); {@code span.content} takes patterns only;
     * {@code prompt} takes {@code =} only. Tags, metadata and span attributes take every operator (MLflow: no
     * ordering; Vigil orders numbers numerically). A tree built in code is not held to these rules.
     *
     * @return the allowed operators, in declaration order
     */
    public Set<Operator> allowedOperators() {
        if (isNumeric()) {
            return NUMBER_OPS;
        }
        return switch (kind) {
            case ATTRIBUTE -> key.equals("prompt") ? PROMPT_OPS : TEXT_OPS;
            case SPAN_CONTENT -> CONTENT_OPS;
            case FEEDBACK, EXPECTATION -> ASSESSMENT_OPS;
            case TAG, METADATA, SPAN_ATTRIBUTE -> KEYED_OPS;
            default -> TEXT_OPS;
        };
    }

    /** @return the allowed operators as a filter string writes them, comma-separated */
    public String allowedOperatorsText() {
        return allowedOperators().stream().map(Operator::symbol).collect(Collectors.joining(", "));
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
            case SPAN_CONTENT -> "span.content";
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
