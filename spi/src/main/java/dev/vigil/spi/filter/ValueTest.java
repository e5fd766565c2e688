package dev.vigil.spi.filter;

import dev.vigil.spi.InvalidInputException;
import java.util.List;
import java.util.Map;

/**
 * A test of one present (non-null) value against a comparison's literals, built once per comparison: a string
 * literal compares with the value's text (booleans as {@code true}/{@code false}); a number literal compares
 * numerically with a number, a numeric string, or a boolean (1/0), and does not match other values.
 */
@FunctionalInterface
interface ValueTest {

    boolean test(Object value);

    static ValueTest of(Operator op, List<Object> literals) {
        return switch (op) {
            case EQ -> equalTo(literals.get(0));
            case NE -> {
                ValueTest eq = equalTo(literals.get(0));
                yield v -> !eq.test(v);
            }
            case IN -> {
                ValueTest[] any = literals.stream().map(ValueTest::equalTo).toArray(ValueTest[]::new);
                yield v -> {
                    for (ValueTest t : any) {
                        if (t.test(v)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            case NOT_IN -> {
                ValueTest[] any = literals.stream().map(ValueTest::equalTo).toArray(ValueTest[]::new);
                yield v -> {
                    for (ValueTest t : any) {
                        if (t.test(v)) {
                            return false;
                        }
                    }
                    return true;
                };
            }
            case LT, LE, GT, GE -> ordered(op, literals.get(0));
            case LIKE, ILIKE -> {
                LikePattern p = new LikePattern((String) literals.get(0), op == Operator.ILIKE);
                yield v -> p.matches(text(v));
            }
            case RLIKE -> {
                java.util.regex.Pattern p;
                try {
                    // (?i) folds case over all of Unicode, as Python's re (MLflow) and H2's REGEXP_LIKE do
                    p = java.util.regex.Pattern.compile((String) literals.get(0),
                            java.util.regex.Pattern.UNICODE_CASE);
                } catch (java.util.regex.PatternSyntaxException bad) {
                    throw new InvalidInputException("RLIKE needs a valid regular expression: " + bad.getMessage());
                }
                yield v -> p.matcher(text(v)).find();
            }
            case IS_NULL, IS_NOT_NULL -> throw new IllegalStateException("IS [NOT] NULL has no value test");
        };
    }

    private static ValueTest equalTo(Object literal) {
        if (literal instanceof String s) {
            return v -> v instanceof String str ? str.equals(s) : text(v).equals(s);
        }
        if (literal instanceof Long l) {
            long lv = l;
            double d = lv;
            return v -> {
                if (v instanceof Long x) {
                    return x == lv;
                }
                Number n = number(v);
                return n != null && (n instanceof Long x ? x == lv : n.doubleValue() == d);
            };
        }
        double d = ((Number) literal).doubleValue();
        return v -> {
            Number n = number(v);
            return n != null && n.doubleValue() == d;
        };
    }

    private static ValueTest ordered(Operator op, Object literal) {
        if (literal instanceof String s) {
            return v -> holds(op, text(v).compareTo(s));
        }
        if (literal instanceof Long l) {
            long bound = l;
            double d = bound;
            return v -> {
                if (v instanceof Long x) {
                    return holds(op, Long.compare(x, bound));
                }
                Number n = number(v);
                if (n == null) {
                    return false;
                }
                return holds(op, n instanceof Long x ? Long.compare(x, bound) : Double.compare(n.doubleValue(), d));
            };
        }
        double d = ((Number) literal).doubleValue();
        return v -> {
            Number n = number(v);
            return n != null && !Double.isNaN(n.doubleValue()) && holds(op, Double.compare(n.doubleValue(), d));
        };
    }

    private static boolean holds(Operator op, int cmp) {
        return switch (op) {
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            default -> cmp >= 0;
        };
    }

    /** @return the value as a number: numbers as they are, numeric strings parsed, booleans 1/0, else null */
    static Number number(Object v) {
        if (v instanceof Long || v instanceof Double) {
            return (Number) v;
        }
        if (v instanceof Number n) {
            return n instanceof Integer || n instanceof Short || n instanceof Byte ? (Number) n.longValue()
                    : (Number) n.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof String s) {
            String t = s.strip();
            if (t.isEmpty() || t.length() > 64) {
                return null;
            }
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException notLong) {
                try {
                    double d = Double.parseDouble(t);
                    return Double.isFinite(d) ? d : null;
                } catch (NumberFormatException notNumber) {
                    return null;
                }
            }
        }
        return null;
    }

    /** @return the value as text: strings as they are, booleans and numbers printed, JSON values as JSON */
    static String text(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return dev.vigil.spi.json.Json.write(v);
        }
        return String.valueOf(v);
    }
}
