package dev.vigil.spi.filter;

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
 * The small predicates a compiled filter is made of: one record a field shape (a single value, any span, any
 * feedback/expectation, linked prompts), the specialised single-class forms of the commonest comparisons, and the
 * boolean combinators with one class per arity.
 */
final class TracePredicates {

    private TracePredicates() {}

    record StatusEq(TraceState state) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return t.info().state() == state;
        }
    }

    record TagEq(String key, String value) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return value.equals(t.info().tags().get(key));
        }
    }

    record MetadataEq(String key, String value) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return value.equals(t.info().traceMetadata().get(key));
        }
    }

    record SpanTypeEq(String value) implements Predicate<Trace> {
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

    record SpanNameEq(String value) implements Predicate<Trace> {
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

    /**
     * The bounds {@code [lo, hi]} (inclusive) that a number comparison on a long accepts: every comparison the time
     * forms below take is such a range, so each tests with two compares and no switch (small enough for C2 to inline
     * a whole filter into its caller).
     *
     * @return {lo, hi}, or null for an operator that is not a single comparison; an empty range is {1, 0}
     */
    static long[] range(Operator op, long bound) {
        return switch (op) {
            case EQ -> new long[] {bound, bound};
            case LT -> bound == Long.MIN_VALUE ? new long[] {1, 0} : new long[] {Long.MIN_VALUE, bound - 1};
            case LE -> new long[] {Long.MIN_VALUE, bound};
            case GT -> bound == Long.MAX_VALUE ? new long[] {1, 0} : new long[] {bound + 1, Long.MAX_VALUE};
            case GE -> new long[] {bound, Long.MAX_VALUE};
            default -> null;
        };
    }

    /** {@code timestamp_ms} within {@code [lo, hi]}. */
    record TimestampIn(long lo, long hi) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            long v = t.info().timestampMs();
            return v >= lo && v <= hi;
        }
    }

    /** {@code execution_time_ms} within {@code [lo, hi]} (a trace without a duration never matches). */
    record DurationIn(long lo, long hi) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            Long d = t.info().executionDurationMs();
            return d != null && d >= lo && d <= hi;
        }
    }

    /** {@code end_time_ms} (start + duration) within {@code [lo, hi]} (a trace without a duration never matches). */
    record EndTimeIn(long lo, long hi) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            TraceInfo i = t.info();
            Long d = i.executionDurationMs();
            if (d == null) {
                return false;
            }
            long v = i.timestampMs() + d;
            return v >= lo && v <= hi;
        }
    }

    record Single(Function<Trace, Object> get, ValueTest test) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            Object v = get.apply(t);
            return v != null && test.test(v);
        }
    }

    record AnySpan(Function<Span, Object> get, Operator op, ValueTest test) implements Predicate<Trace> {
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

    record AnyFeedback(String name, Operator op, ValueTest test) implements Predicate<Trace> {
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

    /** {@code prompt = 'name/version'}: the trace's linked prompts include that version. */
    record LinkedPrompt(Operator op, ValueTest test) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            String tag = t.info().tags().get(FilterEvaluator.LINKED_PROMPTS);
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
                            && test.test(ValueTest.text(m.get("name")) + "/" + ValueTest.text(m.get("version")))) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    record AnyExpectation(String name, Operator op, ValueTest test) implements Predicate<Trace> {
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

    record And2(Predicate<Trace> a, Predicate<Trace> b) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return a.test(t) && b.test(t);
        }
    }

    record And3(Predicate<Trace> a, Predicate<Trace> b, Predicate<Trace> c) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return a.test(t) && b.test(t) && c.test(t);
        }
    }

    record And4(Predicate<Trace> a, Predicate<Trace> b, Predicate<Trace> c, Predicate<Trace> d)
            implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return a.test(t) && b.test(t) && c.test(t) && d.test(t);
        }
    }

    record Or2(Predicate<Trace> a, Predicate<Trace> b) implements Predicate<Trace> {
        @Override
        public boolean test(Trace t) {
            return a.test(t) || b.test(t);
        }
    }

    record AndN(Predicate<Trace>[] parts) implements Predicate<Trace> {
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

    record OrN(Predicate<Trace>[] parts) implements Predicate<Trace> {
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
