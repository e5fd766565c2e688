package dev.vigil.core.filter;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.ExpectationValue;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Turns a {@link FilterExpr} into a tree of small predicates, once: literals are converted, LIKE patterns
 * compiled and field accessors chosen up front, so {@link Predicate#test} only reads the trace and compares.
 *
 * <p>Semantics: a comparison on a field the trace does not have is false (as SQL's NULL), except
 * {@code IS NULL}; {@code NOT} is two-valued (true whenever its operand is false). Span fields and
 * {@code feedback.<name>} hold one value per span / per valid feedback of that name and match if any value
 * matches; {@code IS NULL} on them means no span / feedback has a value. A string literal compares with the
 * value's text (booleans as {@code true}/{@code false}); a number literal compares numerically with a number,
 * a numeric string, or a boolean (1/0), and does not match other values.
 */
final class FilterCompiler {

    /** MLflow's metadata key for the trace name ({@code TraceTagKey.TRACE_NAME}). */
    static final String TRACE_NAME = "mlflow.traceName";
    /** MLflow's metadata key for the run a trace belongs to ({@code TraceMetadataKey.SOURCE_RUN}). */
    static final String SOURCE_RUN = "mlflow.sourceRun";
    /** MLflow's tag listing the prompt versions a trace used, a JSON list of {@code {name, version}}. */
    static final String LINKED_PROMPTS = "mlflow.linkedPrompts";

    private FilterCompiler() {}

    static Predicate<Trace> compile(FilterExpr expr) {
        return compile(expr, true);
    }

    /**
     * @param expr the tree
     * @param specialise whether to use the single-class forms of common comparisons (false only to test that
     *     they decide as the general path does)
     * @return the predicate
     */
    static Predicate<Trace> compile(FilterExpr expr, boolean specialise) {
        return switch (expr) {
            case FilterExpr.And and -> {
                @SuppressWarnings("unchecked")
                Predicate<Trace>[] parts = and.operands().stream().map(e -> compile(e, specialise))
                        .toArray(Predicate[]::new);
                // One class per arity: each operand has its own call site, which stays monomorphic (and inlined)
                // for the filters a process runs most, where a loop over an array would share one megamorphic site.
                yield switch (parts.length) {
                    case 2 -> new And2(parts[0], parts[1]);
                    case 3 -> new And3(parts[0], parts[1], parts[2]);
                    case 4 -> new And4(parts[0], parts[1], parts[2], parts[3]);
                    default -> new AndN(parts);
                };
            }
            case FilterExpr.Or or -> {
                @SuppressWarnings("unchecked")
                Predicate<Trace>[] parts = or.operands().stream().map(e -> compile(e, specialise))
                        .toArray(Predicate[]::new);
                yield parts.length == 2 ? new Or2(parts[0], parts[1]) : new OrN(parts);
            }
            case FilterExpr.Not not -> compile(not.operand(), specialise).negate();
            case FilterExpr.Comparison c -> comparison(c, specialise);
        };
    }

    private static Predicate<Trace> comparison(FilterExpr.Comparison c, boolean specialise) {
        Field f = c.field();
        Operator op = c.operator();
        if (f.isNumeric()) {
            for (Object v : c.values()) {
                if (!(v instanceof Number)) {
                    throw new InvalidInputException(f.toFilterString() + " holds numbers; it cannot be compared with "
                            + FilterExpr.Comparison.literal(v));
                }
            }
            if (op.isPattern()) {
                throw new InvalidInputException(f.toFilterString() + " holds numbers; " + op.symbol()
                        + " works on text");
            }
        }
        if (op.isPattern() && !(c.value() instanceof String)) {
            throw new InvalidInputException(op.symbol() + " needs a string pattern, got " + c.value());
        }
        Predicate<Trace> special = specialise ? specialised(f, op, c.values()) : null;
        if (special != null) {
            return special;
        }
        ValueTest test = op.arity() == 0 ? null : valueTest(op, c.values());
        return switch (f.kind()) {
            case ATTRIBUTE -> f.key().equals("prompt") ? new LinkedPrompt(op, test) : single(attribute(f.key()), op, test);
            case TAG -> {
                String key = f.key();
                yield single(t -> t.info().tags().get(key), op, test);
            }
            case METADATA -> {
                String key = f.key();
                yield single(t -> t.info().traceMetadata().get(key), op, test);
            }
            case SPAN_NAME -> new AnySpan(Span::name, op, test);
            case SPAN_TYPE -> new AnySpan(Span::spanType, op, test);
            case SPAN_STATUS -> new AnySpan(s -> s.status().code().name(), op, test);
            case SPAN_ATTRIBUTE -> {
                String key = f.key();
                yield new AnySpan(s -> s.attribute(key), op, test);
            }
            case FEEDBACK -> new AnyFeedback(f.key(), op, test);
            case EXPECTATION -> new AnyExpectation(f.key(), op, test);
            case SPAN_CONTENT -> new AnySpan(FilterCompiler::spanContent, op, test);
        };
    }

    /**
     * The most common comparisons as single classes that read and compare in one call: a string equality on the
     * status, a tag, a metadata key or a span type or name, and a number comparison on a time attribute. Each
     * decides exactly as the general path would.
     *
     * @return the specialised predicate, or null to take the general path
     */
    private static Predicate<Trace> specialised(Field f, Operator op, List<Object> values) {
        if (op == Operator.EQ && values.get(0) instanceof String s) {
            return switch (f.kind()) {
                case ATTRIBUTE -> f.key().equals("status") ? new StatusEq(stateNamed(s)) : null;
                case TAG -> new TagEq(f.key(), s);
                case METADATA -> new MetadataEq(f.key(), s);
                case SPAN_TYPE -> new SpanTypeEq(s);
                case SPAN_NAME -> new SpanNameEq(s);
                default -> null;
            };
        }
        if (f.isNumeric() && op.arity() == 1 && op != Operator.NE && values.get(0) instanceof Long bound) {
            return new TimeCompare(f.key().equals("timestamp_ms") ? 0 : f.key().equals("execution_time_ms") ? 1 : 2,
                    op, bound);
        }
        return null;
    }

    private static TraceState stateNamed(String name) {
        for (TraceState s : TraceState.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null; // no state has that name: never equal
    }

    private record StatusEq(TraceState state) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return t.info().state() == state;
        }
    }

    private record TagEq(String key, String value) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return value.equals(t.info().tags().get(key));
        }
    }

    private record MetadataEq(String key, String value) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return value.equals(t.info().traceMetadata().get(key));
        }
    }

    private record SpanTypeEq(String value) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            List<Span> spans = t.spans();
            for (int k = 0, n = spans.size(); k < n; k++) {
                if (value.equals(spans.get(k).spanType())) {
                    return true;
                }
            }
            return false;
        }
    }

    private record SpanNameEq(String value) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            List<Span> spans = t.spans();
            for (int k = 0, n = spans.size(); k < n; k++) {
                if (value.equals(spans.get(k).name())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code timestamp_ms} (0), {@code execution_time_ms} (1) or {@code end_time_ms} (2) against a long. */
    private record TimeCompare(int which, Operator op, long bound) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            TraceInfo i = t.info();
            long v;
            if (which == 0) {
                v = i.timestampMs();
            } else {
                Long d = i.executionDurationMs();
                if (d == null) {
                    return false;
                }
                v = which == 1 ? d : i.timestampMs() + d;
            }
            return switch (op) {
                case EQ -> v == bound;
                case LT -> v < bound;
                case LE -> v <= bound;
                case GT -> v > bound;
                default -> v >= bound;
            };
        }
    }

    private static Function<Trace, Object> attribute(String key) {
        return switch (key) {
            case "status" -> t -> t.info().state().name();
            case "timestamp_ms" -> t -> t.info().timestampMs();
            case "execution_time_ms" -> t -> t.info().executionDurationMs();
            case "end_time_ms" -> t -> {
                TraceInfo i = t.info();
                return i.executionDurationMs() == null ? null : i.timestampMs() + i.executionDurationMs();
            };
            case "name" -> FilterCompiler::traceName;
            case "client_request_id" -> t -> t.info().clientRequestId();
            case "run_id" -> t -> t.info().traceMetadata().get(SOURCE_RUN);
            case "request_id" -> Trace::traceId;
            case "prompt" -> t -> t.info().tags().get(LINKED_PROMPTS);
            default -> throw new InvalidInputException("unknown trace attribute '" + key + "'");
        };
    }

    /** The trace name: the {@code mlflow.traceName} tag or metadata, else the root span's name. */
    static String traceName(Trace t) {
        String n = t.info().tags().get(TRACE_NAME);
        if (n == null) {
            n = t.info().traceMetadata().get(TRACE_NAME);
        }
        if (n == null) {
            n = t.rootSpan().map(Span::name).orElse(null);
        }
        return n;
    }

    private static Predicate<Trace> single(Function<Trace, Object> get, Operator op, ValueTest test) {
        return switch (op) {
            case IS_NULL -> t -> get.apply(t) == null;
            case IS_NOT_NULL -> t -> get.apply(t) != null;
            default -> new Single(get, test);
        };
    }

    /** A test of one present (non-null) value. */
    @FunctionalInterface
    interface ValueTest {
        boolean test(Object value);
    }

    private static ValueTest valueTest(Operator op, List<Object> literals) {
        return switch (op) {
            case EQ -> equalTo(literals.get(0));
            case NE -> {
                ValueTest eq = equalTo(literals.get(0));
                yield v -> !eq.test(v);
            }
            case IN -> {
                ValueTest[] any = literals.stream().map(FilterCompiler::equalTo).toArray(ValueTest[]::new);
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
                ValueTest[] any = literals.stream().map(FilterCompiler::equalTo).toArray(ValueTest[]::new);
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
                    p = java.util.regex.Pattern.compile((String) literals.get(0));
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

    private record Single(Function<Trace, Object> get, ValueTest test) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            Object v = get.apply(t);
            return v != null && test.test(v);
        }
    }

    private record AnySpan(Function<Span, Object> get, Operator op, ValueTest test) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            List<Span> spans = t.spans();
            for (int k = 0, n = spans.size(); k < n; k++) {
                Object v = get.apply(spans.get(k));
                if (v == null) {
                    continue;
                }
                if (op == Operator.IS_NULL) {
                    return false;
                }
                if (op == Operator.IS_NOT_NULL || test.test(v)) {
                    return true;
                }
            }
            return op == Operator.IS_NULL;
        }
    }

    private record AnyFeedback(String name, Operator op, ValueTest test) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            List<Assessment> all = t.info().assessments();
            for (int k = 0, n = all.size(); k < n; k++) {
                Assessment a = all.get(k);
                if (!a.valid() || !a.name().equals(name) || !(a.value() instanceof FeedbackValue f)
                        || f.value() == null) {
                    continue;
                }
                if (op == Operator.IS_NULL) {
                    return false;
                }
                if (op == Operator.IS_NOT_NULL || test.test(f.value())) {
                    return true;
                }
            }
            return op == Operator.IS_NULL;
        }
    }

    /**
     * The text {@code span.content} searches: the span's name, type, inputs, outputs and attributes as one JSON
     * object (MLflow searches the span's stored JSON).
     */
    static String spanContent(Span s) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", s.name());
        m.put("span_type", s.spanType());
        m.put("inputs", s.inputs());
        m.put("outputs", s.outputs());
        m.put("attributes", s.attributes());
        return dev.vigil.spi.json.Json.write(m);
    }

    /** {@code prompt = 'name/version'}: the trace's linked prompts include that version. */
    private record LinkedPrompt(Operator op, ValueTest test) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            String tag = t.info().tags().get(LINKED_PROMPTS);
            if (op == Operator.IS_NULL || op == Operator.IS_NOT_NULL) {
                return (tag == null) == (op == Operator.IS_NULL);
            }
            if (tag == null) {
                return false;
            }
            Object parsed;
            try {
                parsed = dev.vigil.spi.json.Json.parse(tag);
            } catch (RuntimeException notJson) {
                return false;
            }
            if (parsed instanceof List<?> list) {
                for (Object e : list) {
                    if (e instanceof Map<?, ?> m && m.get("name") != null && m.get("version") != null
                            && test.test(text(m.get("name")) + "/" + text(m.get("version")))) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private record AnyExpectation(String name, Operator op, ValueTest test) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            List<Assessment> all = t.info().assessments();
            for (int k = 0, n = all.size(); k < n; k++) {
                Assessment a = all.get(k);
                if (!a.valid() || !a.name().equals(name) || !(a.value() instanceof ExpectationValue e)
                        || e.value() == null) {
                    continue;
                }
                if (op == Operator.IS_NULL) {
                    return false;
                }
                if (op == Operator.IS_NOT_NULL || test.test(e.value())) {
                    return true;
                }
            }
            return op == Operator.IS_NULL;
        }
    }

    private record And2(Predicate<Trace> a, Predicate<Trace> b) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return a.test(t) && b.test(t);
        }
    }

    private record And3(Predicate<Trace> a, Predicate<Trace> b, Predicate<Trace> c) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return a.test(t) && b.test(t) && c.test(t);
        }
    }

    private record And4(Predicate<Trace> a, Predicate<Trace> b, Predicate<Trace> c, Predicate<Trace> d)
            implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return a.test(t) && b.test(t) && c.test(t) && d.test(t);
        }
    }

    private record Or2(Predicate<Trace> a, Predicate<Trace> b) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return a.test(t) || b.test(t);
        }
    }

    private record AndN(Predicate<Trace>[] parts) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            for (Predicate<Trace> p : parts) {
                if (!p.test(t)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record OrN(Predicate<Trace>[] parts) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            for (Predicate<Trace> p : parts) {
                if (p.test(t)) {
                    return true;
                }
            }
            return false;
        }
    }
}
