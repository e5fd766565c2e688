package dev.vigil.spi.filter;

/** A comparison operator of the filter language. */
public enum Operator {
    /** Equal. */
    EQ("="),
    /** Not equal. */
    NE("!="),
    /** Less than. */
    LT("<"),
    /** Less than or equal. */
    LE("<="),
    /** Greater than. */
    GT(">"),
    /** Greater than or equal. */
    GE(">="),
    /** SQL LIKE with {@code %} and {@code _}, case-sensitive. */
    LIKE("LIKE"),
    /** SQL LIKE, case-insensitive. */
    ILIKE("ILIKE"),
    /**
     * A regular expression (Java syntax; {@code (?i)} folds case over all of Unicode) found anywhere in the value,
     * as MLflow's {@code RLIKE}.
     */
    RLIKE("RLIKE"),
    /** Equal to one of a list. */
    IN("IN"),
    /** Equal to none of a list. */
    NOT_IN("NOT IN"),
    /** The field is absent. */
    IS_NULL("IS NULL"),
    /** The field is present. */
    IS_NOT_NULL("IS NOT NULL");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    /** @return how the operator is written */
    public String symbol() {
        return symbol;
    }

    /** @return true for the operators that take a text pattern (LIKE, ILIKE, RLIKE) */
    public boolean isPattern() {
        return this == LIKE || this == ILIKE || this == RLIKE;
    }

    /** @return true for the ordering operators (&lt;, &lt;=, &gt;, &gt;=) */
    public boolean isOrdering() {
        return this == LT || this == LE || this == GT || this == GE;
    }

    /** @return how many values the operator takes: 0 (IS [NOT] NULL), 1, or -1 for a list (IN, NOT IN) */
    public int arity() {
        return switch (this) {
            case IS_NULL, IS_NOT_NULL -> 0;
            case IN, NOT_IN -> -1;
            default -> 1;
        };
    }
}
