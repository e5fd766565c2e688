package dev.vigil.testkit.store;

import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FieldKind;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The seeded generator of {@link FilterConformanceSuite}: random traces (tags, metadata, spans with types, names,
 * statuses, attributes and content, feedback and expectations of every value type, missing fields, unicode, LIKE
 * and regex metacharacters in values) and random filters over every field, alias and operator the filter language
 * accepts — only the operators {@link Field#allowedOperators()} allows, with the values the parser accepts — and
 * the filter string a user would write for each (bare or prefixed attributes, aliases, {@code tag.},
 * {@code request_metadata.}, {@code assessment.}, {@code trace.text}, booleans as {@code true}/{@code false}).
 */
final class FilterCases {

    /** The request time of the first trace. */
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    /** Values chosen to collide often: quotes, wildcards, regex metacharacters, numbers as text, non-ASCII. */
    static final List<String> STRINGS = List.of("a", "b", "ab", "A", "a_b", "a%b", "50%", "_", "%", "", "x y", "5",
            "10", "-3.5", "1.0", "it's", "' OR 1=1 --", "\\", "ünï", "ÜNÏ", "日本語", "chat", "Chat", "retrieve", "OK",
            "ERROR", "LLM", "CHAIN", "a.b", "a+b", "(a|b)", "[x]", "$5", "line1\nline2", "true", "false", "gpt-4o",
            "refund please", "REFUND", "a ", " a", "İ", "i", "ß", "SS", "\u212A", "k", "a\tb", "Ω", "ω");
    private static final List<String> PATTERNS = List.of("a%", "%b", "%a%", "a_b", "_", "%", "A%", "%'%", "ü%",
            "%ü%", "5%", "__", "a\\%", "%!_%", "%.%", "%gpt-4%", "%refund%", "line1%", "%\n%", "ab", "%日本%", "[x]",
            "%$%", "%(a|b)%", "t%e", "k%", "K", "%ß%", "ss", "İ", "i%", "a_", "% ", "Ω", "a\tb");
    private static final List<String> REGEXES = List.of("a", "^a", "b$", "a.b", "(a|b)", "\\.", "^(chat|LLM)", "A+",
            "5|10", "[0-9]", "ü", "^$", "it'", "^ab?", "%", "gpt-4", "(?i)refund", "line1.line2", "^line2", "\\$5",
            "\\[x\\]", "a\\+b", "^.*$", "\\d+\\.\\d", "[A-Z]{2,}", "日本", "^[^a]", "(?i)a", "a(?i)b", "(?:a|b)",
            "a++", "a+?", "a||b", "()", "(|a)", "(?=a)", "a?+", "(?<=a)b", "\\Qa.b\\E", "^ ", " $", "\\s", "k", "(?i)k",
            "(?i)ß", "ω");
    private static final List<String> KEYS = List.of("k1", "k2", "mlflow.traceName", "mlflow.sourceRun",
            "key'; --", "ünï key", "a.b.c");
    private static final List<String> NAMES = List.of("quality", "is_correct", "score");
    private static final List<String> PROMPTS = List.of("[{\"name\":\"qa\",\"version\":\"1\"}]",
            "[{\"name\":\"qa\",\"version\":\"2\"},{\"name\":\"summarize\",\"version\":\"10\"}]",
            "[{\"name\":\"qa\",\"version\":1}]", "not json", "[]", "{\"name\":\"qa\"}");
    private static final List<String> PROMPT_VALUES = List.of("qa/1", "qa/2", "summarize/10", "qa/", "x/1");

    private final Random r;
    private final int traceCount;

    FilterCases(long seed, int traceCount) {
        this.r = new Random(seed);
        this.traceCount = traceCount;
    }

    // ---------------------------------------------------------------- traces

    Trace trace(String experimentId, int i) {
        String id = String.format("tr-%04d", i);
        Map<String, String> tags = map(maybe(4) ? Map.of("mlflow.linkedPrompts", pick(PROMPTS)) : Map.of());
        Map<String, String> metadata = map(Map.of());
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(experimentId)
                .requestTime(T0.plusMillis(1_000L * i + r.nextInt(3)))
                .executionDurationMs(maybe(4) ? null : (long) r.nextInt(3000))
                .state(pick(List.of(TraceState.values())))
                .clientRequestId(r.nextBoolean() ? null : pick(STRINGS))
                .tags(tags).traceMetadata(metadata).build();
        List<Span> spans = new ArrayList<>();
        int n = r.nextInt(4);
        for (int s = 0; s < n; s++) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (int k = r.nextInt(3); k > 0; k--) {
                attrs.put(pick(KEYS), jsonValue());
            }
            spans.add(new Span(id, String.format("%016x", s + 1), s == 0 ? null : String.format("%016x", 1),
                    pick(STRINGS), 1_000L + s, 2_000L + s,
                    new SpanStatus(pick(List.of(SpanStatusCode.values())), null), pick(STRINGS),
                    maybe(3) ? null : Map.of("query", pick(STRINGS)), maybe(3) ? null : pick(STRINGS), attrs,
                    List.of()));
        }
        return new Trace(info, spans);
    }

    /** @return 0 to 3 assessments (feedback of every value type, errors, expectations) for a stored trace */
    List<Assessment> assessments(String traceId) {
        List<Assessment> out = new ArrayList<>();
        for (int k = r.nextInt(4); k > 0; k--) {
            Assessment.Builder b = Assessment.builder().name(pick(NAMES)).traceId(traceId)
                    .source(new AssessmentSource(pick(List.of(AssessmentSourceType.values())), "src"))
                    .createTime(T0);
            switch (r.nextInt(6)) {
                case 0 -> b.expectation(jsonValue());
                case 1 -> b.error(new AssessmentError("TIMEOUT", "judge timed out", null));
                default -> b.feedback(pick(List.<Object>of(true, false, 0.5, 1L, 0L, 5L, -3.5, 10.0, "yes", "no",
                        "5", "true", "it's", "ünï", "a%b", "A")));
            }
            out.add(b.build());
        }
        return out;
    }

    private Object jsonValue() {
        return switch (r.nextInt(8)) {
            case 0 -> (long) r.nextInt(12);
            case 1 -> pick(List.of(0.5, -3.5, 1.0, 10.0));
            case 2 -> r.nextBoolean();
            case 3 -> List.of(pick(STRINGS), (long) r.nextInt(3));
            case 4 -> Map.of("k", pick(STRINGS));
            default -> pick(STRINGS);
        };
    }

    private Map<String, String> map(Map<String, String> start) {
        Map<String, String> m = new LinkedHashMap<>(start);
        for (int k = r.nextInt(3); k > 0; k--) {
            m.put(pick(KEYS), pick(STRINGS));
        }
        return m;
    }

    // ---------------------------------------------------------------- filters

    FilterExpr expr(int depth) {
        int choice = depth == 0 ? 3 : r.nextInt(6);
        return switch (choice) {
            case 0 -> new FilterExpr.And(List.of(expr(depth - 1), expr(depth - 1)));
            case 1 -> new FilterExpr.Or(List.of(expr(depth - 1), expr(depth - 1)));
            case 2 -> new FilterExpr.Not(expr(depth - 1));
            default -> comparison();
        };
    }

    private FilterExpr.Comparison comparison() {
        Field field = switch (r.nextInt(14)) {
            case 0, 1 -> Field.attribute(pick(List.copyOf(new java.util.TreeSet<>(Field.TRACE_ATTRIBUTES))));
            case 2, 3 -> Field.tag(pick(KEYS));
            case 4 -> Field.metadata(pick(KEYS));
            case 5 -> new Field(FieldKind.SPAN_NAME, "name");
            case 6 -> new Field(FieldKind.SPAN_TYPE, "type");
            case 7 -> new Field(FieldKind.SPAN_STATUS, "status");
            case 8 -> new Field(FieldKind.SPAN_ATTRIBUTE, pick(KEYS));
            case 9 -> new Field(FieldKind.SPAN_CONTENT, "content");
            case 10 -> Field.expectation(pick(NAMES));
            default -> Field.feedback(pick(NAMES));
        };
        Operator op = pick(List.copyOf(field.allowedOperators()));
        List<Object> values = new ArrayList<>();
        switch (op.arity()) {
            case 0 -> { }
            case 1 -> values.add(op == Operator.RLIKE ? pick(REGEXES) : op == Operator.LIKE || op == Operator.ILIKE
                    ? pick(PATTERNS) : value(field, op));
            default -> {
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    values.add(value(field, op));
                }
            }
        }
        return new FilterExpr.Comparison(field, op, values);
    }

    private Object value(Field field, Operator op) {
        if (field.isNumeric()) {
            long base = field.key().equals("execution_time_ms") ? 0 : T0.toEpochMilli();
            long span = field.key().equals("execution_time_ms") ? 3_000 : traceCount * 1_000L + 3_000;
            long v = base + r.nextLong(span) - 10;
            return r.nextInt(3) == 0 ? (Object) (v + 0.5) : (Object) v;
        }
        if (field.kind() == FieldKind.ATTRIBUTE && field.key().equals("prompt")) {
            return pick(PROMPT_VALUES);
        }
        boolean assessment = field.kind() == FieldKind.FEEDBACK || field.kind() == FieldKind.EXPECTATION;
        if (assessment && op.isOrdering()) {
            return r.nextBoolean() ? (Object) (long) (r.nextInt(12) - 4) : pick(List.<Object>of(0.5, -3.5, 1.0));
        }
        if (field.kind() == FieldKind.ATTRIBUTE && field.key().equals("status") && r.nextBoolean()) {
            return pick(List.of(TraceState.values())).name();
        }
        if (field.kind() == FieldKind.SPAN_STATUS && r.nextBoolean()) {
            return pick(List.of(SpanStatusCode.values())).name();
        }
        return switch (r.nextInt(7)) {
            case 0 -> (long) r.nextInt(12);
            case 1 -> pick(List.<Object>of(0.5, 1.0, -3.5));
            default -> pick(STRINGS);
        };
    }

    // ---------------------------------------------------------------- filter strings

    /**
     * @param e a filter tree
     * @return a filter string a user could write for it, spelling fields in one of their accepted forms, so that
     *     parsing it gives back {@code e}
     */
    String write(FilterExpr e) {
        return switch (e) {
            case FilterExpr.And and -> join(and.operands(), r.nextBoolean() ? " AND " : " and ");
            case FilterExpr.Or or -> join(or.operands(), r.nextBoolean() ? " OR " : " or ");
            case FilterExpr.Not not -> "NOT (" + write(not.operand()) + ")";
            case FilterExpr.Comparison c -> comparisonText(c);
        };
    }

    private String join(List<FilterExpr> operands, String sep) {
        StringBuilder sb = new StringBuilder();
        for (FilterExpr o : operands) {
            if (!sb.isEmpty()) {
                sb.append(sep);
            }
            String w = write(o);
            sb.append(o instanceof FilterExpr.And || o instanceof FilterExpr.Or ? "(" + w + ")" : w);
        }
        return sb.toString();
    }

    private String comparisonText(FilterExpr.Comparison c) {
        Operator op = c.operator();
        String f = fieldText(c.field()) + " " + op.symbol();
        return switch (op.arity()) {
            case 0 -> f;
            case 1 -> f + " " + literal(c.value(), op);
            default -> f + " (" + String.join(", ", c.values().stream().map(v -> literal(v, op)).toList()) + ")";
        };
    }

    private String literal(Object v, Operator op) {
        if (!op.isPattern() && ("true".equals(v) || "false".equals(v)) && r.nextBoolean()) {
            return (String) v; // the boolean words parse to the text a JSON boolean prints as
        }
        return FilterExpr.Comparison.literal(v);
    }

    private String fieldText(Field f) {
        return switch (f.kind()) {
            case ATTRIBUTE -> {
                String name = f.key();
                for (Map.Entry<String, String> alias : Field.ATTRIBUTE_ALIASES.entrySet()) {
                    if (alias.getValue().equals(name) && r.nextBoolean()) {
                        name = alias.getKey();
                    }
                }
                yield pick(List.of("", "attributes.", "attribute.", "trace.")) + name;
            }
            case TAG -> pick(List.of("tags.", "tag.")) + key(f.key());
            case METADATA -> pick(List.of("metadata.", "request_metadata.")) + key(f.key());
            case FEEDBACK -> pick(List.of("feedback.", "assessment.")) + key(f.key());
            case EXPECTATION -> "expectation." + key(f.key());
            case SPAN_ATTRIBUTE -> pick(List.of("span.attributes.", "span.attribute.")) + key(f.key());
            case SPAN_CONTENT -> pick(List.of("span.content", "trace.text", "text"));
            default -> f.toFilterString();
        };
    }

    private String key(String key) {
        boolean plain = Character.isLetter(key.charAt(0));
        for (int i = 0; plain && i < key.length(); i++) {
            char c = key.charAt(i);
            plain = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.');
        }
        return plain && r.nextBoolean() ? key : "`" + key.replace("`", "``") + "`";
    }

    // ---------------------------------------------------------------- helpers

    int nextInt(int bound) {
        return r.nextInt(bound);
    }

    private boolean maybe(int oneIn) {
        return r.nextInt(oneIn) == 0;
    }

    private <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }
}
