package dev.vigil.spi.filter;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.TracePredicates.And2;
import dev.vigil.spi.filter.TracePredicates.And3;
import dev.vigil.spi.filter.TracePredicates.And4;
import dev.vigil.spi.filter.TracePredicates.AndN;
import dev.vigil.spi.filter.TracePredicates.AnyExpectation;
import dev.vigil.spi.filter.TracePredicates.AnyFeedback;
import dev.vigil.spi.filter.TracePredicates.AnySpan;
import dev.vigil.spi.filter.TracePredicates.LinkedPrompt;
import dev.vigil.spi.filter.TracePredicates.MetadataEq;
import dev.vigil.spi.filter.TracePredicates.Or2;
import dev.vigil.spi.filter.TracePredicates.OrN;
import dev.vigil.spi.filter.TracePredicates.Single;
import dev.vigil.spi.filter.TracePredicates.SpanNameEq;
import dev.vigil.spi.filter.TracePredicates.SpanTypeEq;
import dev.vigil.spi.filter.TracePredicates.StatusEq;
import dev.vigil.spi.filter.TracePredicates.TagEq;
import dev.vigil.spi.filter.TracePredicates.DurationIn;
import dev.vigil.spi.filter.TracePredicates.EndTimeIn;
import dev.vigil.spi.filter.TracePredicates.TimestampIn;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The filter evaluator every store shares: turns a {@link FilterExpr} into a tree of small predicates, once: literals are converted, LIKE patterns
 * compiled and field accessors chosen up front, so {@link Predicate#test} only reads the trace and compares.
 *
 * <p>Semantics: a comparison on a field the trace does not have is false (as SQL's NULL), except
 * {@code IS NULL}; {@code NOT} is two-valued (true whenever its operand is false). Span fields and
 * {@code feedback.<name>} hold one value per span / per valid feedback of that name and match if any value
 * matches; {@code IS NULL} on them means no span / feedback has a value. A string literal compares with the
 * value's text (booleans as {@code true}/{@code false}); a number literal compares numerically with a number,
 * a numeric string, or a boolean (1/0), and does not match other values.
 *
 * <p>A store evaluates here the parts of a filter it cannot push down into its own query; the parser of filter
 * strings stays in vigil-core ({@code dev.vigil.core.filter.TraceFilter}), so a store depends on the SPI only.
 */
public final class FilterEvaluator {

    /** MLflow's metadata key for the trace name ({@code TraceTagKey.TRACE_NAME}). */
    static final String TRACE_NAME = "mlflow.traceName";
    /** MLflow's metadata key for the run a trace belongs to ({@code TraceMetadataKey.SOURCE_RUN}). */
    static final String SOURCE_RUN = "mlflow.sourceRun";
    /** MLflow's tag listing the prompt versions a trace used, a JSON list of {@code {name, version}}. */
    static final String LINKED_PROMPTS = "mlflow.linkedPrompts";

    private FilterEvaluator() {}

    /**
     * @param expr a filter tree
     * @return its predicate over a trace; immutable and thread-safe
     * @throws InvalidInputException if the tree compares a numeric attribute with a string, uses LIKE with a
     *     number, names an unknown attribute or holds an invalid RLIKE expression
     */
    public static Predicate<Trace> compile(FilterExpr expr) {
        java.util.Objects.requireNonNull(expr, "expr");
        return compile(expr, true);
    }

    /**
     * The same decisions as {@link #compile} without the single-class forms of common comparisons: only for
     * tests that check the specialised forms decide as the general path does.
     *
     * @param expr a filter tree
     * @return its predicate, built along the general path only
     */
    public static Predicate<Trace> compileGeneral(FilterExpr expr) {
        java.util.Objects.requireNonNull(expr, "expr");
        return compile(expr, false);
    }

    private static Predicate<Trace> compile(FilterExpr expr, boolean specialise) {
        return switch (expr) {
            case FilterExpr.And and -> {
                @SuppressWarnings("unchecked")
                Predicate<Trace>[] parts = and.operands().stream().map(e -> compile(e, specialise))
                        .toArray(Predicate[]::new);
                // The common comparisons tested inline in one class, with no call per operand; the others (or all,
                // along the general path) in one class per arity: each operand has its own call site, which stays
                // monomorphic (and inlined) for the filters a process runs most, where a loop over an array would
                // share one megamorphic site.
                Predicate<Trace> flat = specialise ? FlatAnd.of(parts, FilterEvaluator::and) : null;
                yield flat != null ? flat : and(List.of(parts));
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

    @SuppressWarnings("unchecked")
    private static Predicate<Trace> and(List<Predicate<Trace>> parts) {
        return switch (parts.size()) {
            case 1 -> parts.get(0);
            case 2 -> new And2(parts.get(0), parts.get(1));
            case 3 -> new And3(parts.get(0), parts.get(1), parts.get(2));
            case 4 -> new And4(parts.get(0), parts.get(1), parts.get(2), parts.get(3));
            default -> new AndN(parts.toArray(Predicate[]::new));
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
        ValueTest test = op.arity() == 0 ? null : ValueTest.of(op, c.values());
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
            case SPAN_CONTENT -> new AnySpan(FilterEvaluator::spanContent, op, test);
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
            long[] r = TracePredicates.range(op, bound);
            if (r == null) {
                return null;
            }
            return switch (f.key()) {
                case "timestamp_ms" -> new TimestampIn(r[0], r[1]);
                case "execution_time_ms" -> new DurationIn(r[0], r[1]);
                case "end_time_ms" -> new EndTimeIn(r[0], r[1]);
                default -> null;
            };
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

    private static Function<Trace, Object> attribute(String key) {
        return switch (key) {
            case "status" -> t -> t.info().state().name();
            case "timestamp_ms" -> t -> t.info().timestampMs();
            case "execution_time_ms" -> t -> t.info().executionDurationMs();
            case "end_time_ms" -> t -> {
                TraceInfo i = t.info();
                return i.executionDurationMs() == null ? null : i.timestampMs() + i.executionDurationMs();
            };
            case "name" -> FilterEvaluator::traceName;
            case "client_request_id" -> t -> t.info().clientRequestId();
            case "run_id" -> t -> t.info().traceMetadata().get(SOURCE_RUN);
            case "request_id" -> Trace::traceId;
            case "prompt" -> t -> t.info().tags().get(LINKED_PROMPTS);
            default -> throw new InvalidInputException("unknown trace attribute '" + key + "'");
        };
    }

    /**
     * @param t a trace
     * @return its name as {@code attributes.name} reads it: the {@code mlflow.traceName} tag or metadata, else the
     *     root span's name, else null
     */
    public static String traceName(Trace t) {
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

    /**
     * The text {@code span.content} searches: the span's name, type, inputs, outputs and attributes as one JSON
     * object (MLflow searches the span's stored JSON).
     */
    static String spanContent(Span s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("span_type", s.spanType());
        m.put("inputs", s.inputs());
        m.put("outputs", s.outputs());
        m.put("attributes", s.attributes());
        return dev.vigil.spi.json.Json.write(m);
    }
}
