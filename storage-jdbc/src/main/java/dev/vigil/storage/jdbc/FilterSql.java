package dev.vigil.storage.jdbc;

import dev.vigil.spi.filter.CaseFold;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Translates the filter AST into a SQL condition on the {@code traces} table (aliased {@code t}) for one dialect.
 * Every user value becomes a bind parameter; keys and values never enter the SQL text.
 *
 * <p>A part the dialect cannot express exactly (span attributes, assessments, case-insensitive matching where
 * the database folds case differently from Java...) is replaced by a condition that is true for every trace it
 * could match, and the translation is marked inexact: the store then runs the in-memory predicate on the rows
 * the SQL returned. Such a superset is only sound where the part is not negated, so under {@code NOT} an inexact
 * part becomes {@code TRUE} for the whole negation.
 *
 * <p>Every atomic condition is two-valued (a missing field makes it false, never SQL's unknown), so that
 * {@code NOT} means what it means in the in-memory predicate.
 */
final class FilterSql {

    /**
     * A translated condition.
     *
     * @param sql the condition, with {@code ?} for each parameter
     * @param params the parameters, in order
     * @param exact true if the condition selects exactly the matching traces; false if it selects a superset
     */
    record Condition(String sql, List<Object> params, boolean exact) {
        static final Condition TRUE_INEXACT = new Condition("1=1", List.of(), false);

        boolean isTrivial() {
            return sql.equals("1=1");
        }
    }

    private final Dialect dialect;

    FilterSql(Dialect dialect) {
        this.dialect = dialect;
    }

    Condition translate(FilterExpr expr) {
        return switch (expr) {
            case FilterExpr.And and -> and(and.operands());
            case FilterExpr.Or or -> or(or.operands());
            case FilterExpr.Not not -> {
                Condition inner = translate(not.operand());
                yield inner.exact() ? new Condition("NOT (" + inner.sql() + ")", inner.params(), true)
                        : Condition.TRUE_INEXACT;
            }
            case FilterExpr.Comparison cmp -> comparison(cmp);
        };
    }

    private Condition and(List<FilterExpr> operands) {
        List<String> parts = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        boolean exact = true;
        for (FilterExpr e : operands) {
            Condition c = translate(e);
            exact &= c.exact();
            if (!c.isTrivial()) {
                parts.add("(" + c.sql() + ")");
                params.addAll(c.params());
            }
        }
        return parts.isEmpty() ? new Condition("1=1", List.of(), exact)
                : new Condition(String.join(" AND ", parts), params, exact);
    }

    private Condition or(List<FilterExpr> operands) {
        List<String> parts = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        boolean exact = true;
        for (FilterExpr e : operands) {
            Condition c = translate(e);
            if (c.isTrivial()) {
                return c.exact() ? new Condition("1=1", List.of(), true) : Condition.TRUE_INEXACT;
            }
            exact &= c.exact();
            parts.add("(" + c.sql() + ")");
            params.addAll(c.params());
        }
        return new Condition(String.join(" OR ", parts), params, exact);
    }

    private Condition comparison(FilterExpr.Comparison cmp) {
        Field f = cmp.field();
        return switch (f.kind()) {
            case ATTRIBUTE -> attribute(cmp);
            case TAG -> keyValue(cmp, "trace_tags", "tag_key", "tag_value");
            case METADATA -> keyValue(cmp, "trace_metadata", "md_key", "md_value");
            case SPAN_NAME -> span(cmp, "span_name");
            case SPAN_TYPE -> span(cmp, "span_type");
            case SPAN_STATUS -> span(cmp, "span_status");
            // span attributes (JSON values) and assessments are left to the in-memory predicate
            default -> Condition.TRUE_INEXACT;
        };
    }

    private Condition attribute(FilterExpr.Comparison cmp) {
        String key = cmp.field().key();
        return switch (key) {
            case "timestamp_ms" -> column(cmp, "t.request_ms", true);
            case "execution_time_ms" -> column(cmp, "t.duration_ms", true);
            case "end_time_ms" -> column(cmp, "t.end_ms", true);
            case "status" -> column(cmp, "t.state", false);
            case "client_request_id" -> column(cmp, "t.client_request_id", false);
            case "request_id" -> column(cmp, "t.trace_id", false);
            case "name" -> column(cmp, "t.trace_name", false);
            case "run_id" -> column(cmp, "t.run_id", false);
            default -> Condition.TRUE_INEXACT;
        };
    }

    /** A comparison on a column of the traces row. */
    private Condition column(FilterExpr.Comparison cmp, String col, boolean numeric) {
        Operator op = cmp.operator();
        if (op == Operator.IS_NULL) {
            return new Condition(col + " IS NULL", List.of(), true);
        }
        if (op == Operator.IS_NOT_NULL) {
            return new Condition(col + " IS NOT NULL", List.of(), true);
        }
        Condition test = valueTest(cmp, col, numeric);
        if (test == null) {
            return Condition.TRUE_INEXACT;
        }
        return new Condition(col + " IS NOT NULL AND " + test.sql(), test.params(), test.exact());
    }

    /** A comparison on a key of the tags or metadata: the trace matches if it has the key and the value passes. */
    private Condition keyValue(FilterExpr.Comparison cmp, String table, String keyCol, String valueCol) {
        Operator op = cmp.operator();
        String exists = "EXISTS (SELECT 1 FROM " + table + " k WHERE k.trace_id = t.trace_id AND k." + keyCol + " = ?";
        List<Object> params = new ArrayList<>();
        params.add(cmp.field().key());
        if (op == Operator.IS_NULL) {
            return new Condition("NOT " + exists + ")", params, true);
        }
        if (op == Operator.IS_NOT_NULL) {
            return new Condition(exists + ")", params, true);
        }
        Condition test = valueTest(cmp, "k." + valueCol, false);
        if (test == null) {
            return Condition.TRUE_INEXACT;
        }
        params.addAll(test.params());
        return new Condition(exists + " AND k." + valueCol + " IS NOT NULL AND " + test.sql() + ")", params,
                test.exact());
    }

    /**
     * A comparison on any span: the trace matches if one of its spans passes; span names, types and statuses are
     * never null, so IS NULL means "has no span".
     */
    private Condition span(FilterExpr.Comparison cmp, String col) {
        Operator op = cmp.operator();
        String exists = "EXISTS (SELECT 1 FROM trace_spans s WHERE s.trace_id = t.trace_id";
        if (op == Operator.IS_NULL) {
            return new Condition("NOT " + exists + ")", List.of(), true);
        }
        if (op == Operator.IS_NOT_NULL) {
            return new Condition(exists + ")", List.of(), true);
        }
        Condition test = valueTest(cmp, "s." + col, false);
        if (test == null) {
            return Condition.TRUE_INEXACT;
        }
        return new Condition(exists + " AND " + test.sql() + ")", test.params(), test.exact());
    }

    /**
     * @return the test of a non-null value against the comparison's values, or null if this dialect cannot
     *     express it exactly (a type the column does not hold, a string order or case folding unlike Java's)
     */
    private Condition valueTest(FilterExpr.Comparison cmp, String col, boolean numeric) {
        Operator op = cmp.operator();
        for (Object v : cmp.values()) {
            if (numeric != (v instanceof Number)) {
                return null;
            }
            if (v instanceof Double d && !Double.isFinite(d)) {
                return null;
            }
        }
        List<Object> values = cmp.values();
        return switch (op) {
            case EQ -> new Condition(col + " = ?", values, true);
            case NE -> new Condition(col + " <> ?", values, true);
            case LT, LE, GT, GE -> numeric || dialect.ordersStringsLikeJava()
                    ? new Condition(col + " " + op.symbol() + " ?", values, true) : null;
            case LIKE -> dialect.hasCaseSensitiveLike() ? like(col, (String) values.get(0), false) : null;
            case ILIKE -> dialect == Dialect.H2 ? like(col, (String) values.get(0), true) : null;
            case RLIKE -> switch (dialect) {
                // H2 evaluates REGEXP_LIKE with java.util.regex and find(), as the in-memory predicate does.
                case H2 -> new Condition("REGEXP_LIKE(" + col + ", ?)", values, true);
                // PostgreSQL's ~ is a POSIX regex: pushed down only for the syntax both engines read alike.
                case POSTGRESQL -> postgresSafeRegex((String) values.get(0))
                        ? new Condition(col + " ~ ?", values, true) : null;
                case SQLITE -> null;
            };
            case IN -> new Condition(col + " IN (" + placeholders(values.size()) + ")", values, true);
            case NOT_IN -> new Condition(col + " NOT IN (" + placeholders(values.size()) + ")", values, true);
            case IS_NULL, IS_NOT_NULL -> null;
        };
    }

    /**
     * A LIKE, or for ILIKE the value lower-cased by the database (H2's LOWER is Java's whole-string
     * {@code toLowerCase}) against {@link CaseFold#lowerSuperset the pattern that selects at least every match of
     * Vigil's per-code-point folding}: where the two lower cases differ ({@code İ}, {@code ı}, {@code ſ}, final
     * {@code ς}) the pattern has {@code %} and the rows are checked in memory. {@code _} is one character (code
     * point) in Java and PostgreSQL but one UTF-16 unit in H2, which then misses a character outside the BMP (an
     * emoji): on H2 a pattern with {@code _} is pushed down as the superset where each {@code _} is {@code %}, and
     * the rows are checked in memory.
     */
    private Condition like(String col, String pattern, boolean ignoreCase) {
        if (ignoreCase) {
            CaseFold.Superset s = CaseFold.lowerSuperset(pattern);
            return new Condition("LOWER(" + col + ") LIKE ? ESCAPE ''", List.of(s.pattern()), s.exact());
        }
        String sql = col + " LIKE ? ESCAPE ''";
        if (dialect == Dialect.H2 && pattern.indexOf('_') >= 0) {
            return new Condition(sql, List.of(pattern.replace('_', '%')), false);
        }
        return new Condition(sql, List.of(pattern), true);
    }

    /**
     * @return true if the pattern uses only syntax that java.util.regex and PostgreSQL's regex read the same way:
     *     letters, digits, space, {@code _ - * + ? ^ | ( )} and a backslash before punctuation ({@code \.}). An
     *     unescaped {@code .} or {@code $} is excluded (they treat line breaks differently), as are brackets,
     *     braces, class escapes, {@code (?} constructs (PostgreSQL takes embedded options only at the start and
     *     folds case by its locale) and a quantifier on a quantifier (Java's possessive {@code a++} is an error
     *     in PostgreSQL); a lazy {@code a+?} is kept: whether a match exists does not depend on greediness.
     */
    static boolean postgresSafeRegex(String pattern) {
        boolean afterQuantifier = false; // the previous token was a quantifier (*, +, ?)
        boolean afterLazy = false; // ... followed by the lazy '?'
        for (int k = 0; k < pattern.length(); k++) {
            char c = pattern.charAt(k);
            if (c == '*' || c == '+' || c == '?') {
                char before = k == 0 ? '(' : pattern.charAt(k - 1);
                boolean lazy = afterQuantifier && c == '?';
                if (afterLazy || (afterQuantifier && !lazy) || (!afterQuantifier && "(|^".indexOf(before) >= 0
                        && (k < 2 || pattern.charAt(k - 2) != '\\'))) {
                    return false; // stacked quantifiers, (? constructs, or a quantifier with nothing to repeat
                }
                afterLazy = lazy;
                afterQuantifier = !lazy;
                continue;
            }
            afterQuantifier = false;
            afterLazy = false;
            if (c == '\\') {
                if (k + 1 >= pattern.length()) {
                    return false;
                }
                char e = pattern.charAt(++k);
                if (e >= 128 || Character.isLetterOrDigit(e) || Character.isWhitespace(e)) {
                    return false;
                }
            } else if (!(c < 128 && Character.isLetterOrDigit(c)) && " _-*+?^|()".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
