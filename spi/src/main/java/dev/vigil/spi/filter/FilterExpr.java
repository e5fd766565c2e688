package dev.vigil.spi.filter;

import dev.vigil.spi.InvalidInputException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The parsed form of an MLflow {@code search_traces} filter string (plus {@code OR}, {@code NOT} and
 * parentheses). Public so that a store can translate it into its own query language; a filter string is parsed
 * once (by vigil-core's filter parser) and printed back by {@link #toFilterString()} so that parsing the printed
 * text gives an equal tree.
 */
public sealed interface FilterExpr permits FilterExpr.And, FilterExpr.Or, FilterExpr.Not, FilterExpr.Comparison {

    /** @return the canonical filter string for this tree */
    String toFilterString();

    /**
     * All operands must hold.
     *
     * @param operands two or more expressions
     */
    record And(List<FilterExpr> operands) implements FilterExpr {
        /** Validates. */
        public And {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new InvalidInputException("AND needs at least two operands");
            }
        }

        @Override
        public String toFilterString() {
            // A nested AND or OR is a group of its own: parenthesised, so parsing the text gives the same tree.
            return operands.stream().map(o -> o instanceof Or || o instanceof And ? "(" + o.toFilterString() + ")"
                    : o.toFilterString()).collect(Collectors.joining(" AND "));
        }
    }

    /**
     * At least one operand must hold.
     *
     * @param operands two or more expressions
     */
    record Or(List<FilterExpr> operands) implements FilterExpr {
        /** Validates. */
        public Or {
            operands = List.copyOf(operands);
            if (operands.size() < 2) {
                throw new InvalidInputException("OR needs at least two operands");
            }
        }

        @Override
        public String toFilterString() {
            return operands.stream().map(o -> o instanceof And || o instanceof Or ? "(" + o.toFilterString() + ")"
                    : o.toFilterString()).collect(Collectors.joining(" OR "));
        }
    }

    /**
     * The operand must not hold.
     *
     * @param operand the negated expression
     */
    record Not(FilterExpr operand) implements FilterExpr {
        /** Validates. */
        public Not {
            Objects.requireNonNull(operand, "operand");
        }

        @Override
        public String toFilterString() {
            return "NOT (" + operand.toFilterString() + ")";
        }
    }

    /**
     * A field compared with values.
     *
     * @param field the field
     * @param operator the operator
     * @param values the values: none for IS [NOT] NULL, one or more for IN / NOT IN, exactly one otherwise;
     *     each a {@link String}, {@link Long} or {@link Double}
     */
    record Comparison(Field field, Operator operator, List<Object> values) implements FilterExpr {
        /** Validates the value count and types. */
        public Comparison {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(operator, "operator");
            values = List.copyOf(values);
            int arity = operator.arity();
            if (arity >= 0 ? values.size() != arity : values.isEmpty()) {
                throw new InvalidInputException(operator.symbol() + " takes "
                        + (arity < 0 ? "a non-empty list of values" : arity + " value(s)") + ", got " + values.size());
            }
            for (Object v : values) {
                if (!(v instanceof String || v instanceof Long || v instanceof Double)) {
                    throw new InvalidInputException("filter values are strings or numbers, got "
                            + (v == null ? "null" : v.getClass().getSimpleName()));
                }
                if (v instanceof Double d && !Double.isFinite(d)) {
                    throw new InvalidInputException("filter numbers must be finite, got " + d);
                }
            }
        }

        /** @return the single value of a one-value comparison */
        public Object value() {
            return values.get(0);
        }

        @Override
        public String toFilterString() {
            String f = field.toFilterString() + " " + operator.symbol();
            return switch (operator.arity()) {
                case 0 -> f;
                case 1 -> f + " " + literal(values.get(0));
                default -> f + " (" + values.stream().map(Comparison::literal).collect(Collectors.joining(", ")) + ")";
            };
        }

        /**
         * @param v a string or number
         * @return how the filter language writes it: strings in single quotes with {@code \} escaping
         *     {@code \} and {@code '}
         */
        public static String literal(Object v) {
            if (v instanceof String s) {
                return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
            }
            if (v instanceof Double d) {
                return Double.isFinite(d) ? d.toString() : "'" + d + "'";
            }
            return String.valueOf(v);
        }
    }
}
