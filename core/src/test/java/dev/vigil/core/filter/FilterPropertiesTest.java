package dev.vigil.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FieldKind;
import dev.vigil.spi.filter.FilterEvaluator;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.model.Trace;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property tests of the parser and the printer. */
class FilterPropertiesTest {

    private static final Trace RICH = FilterTraces.rich();
    private static final Trace BARE = FilterTraces.bare();

    /** Words and symbols of the language, so random strings get past the first token often. */
    private static final List<String> VOCABULARY = List.of("tags", "tag", "metadata", "attributes", "trace", "span",
            "feedback", "assessment", "request_metadata", "attribute", "name", "type", "status", "timestamp_ms",
            "execution_time_ms", "env", "`a.b`", "`", ".", "=", "!=", "<", "<=", ">", ">=", "!", "LIKE", "ILIKE", "IN",
            "NOT", "IS", "NULL", "AND", "OR", "(", ")", ",", "'x'", "'", "\"y\"", "\"", "5", "-3", "2.5e3", "-", "1e999",
            "\\", "'a\\'b'", "%", " ", "  ", "\t", "é", "🙂", "RLIKE", "expectation", "content", "text",
            "true", "prompt", "timestamp", "'q/1'", "'a\\.b'");

    @Property(tries = 3000)
    void randomText_parsesOrFailsWithASyntaxError(@ForAll("text") String text) {
        try {
            TraceFilter f = TraceFilter.parse(text);
            // what parses also evaluates without failing, and prints to text that parses to the same tree
            f.test(RICH);
            f.test(BARE);
            if (!f.isMatchAll()) {
                assertThat(TraceFilter.parse(f.toFilterString()).expr()).isEqualTo(f.expr());
            }
        } catch (FilterSyntaxException expected) {
            assertThat(expected.column()).isBetween(1, text.length() + 1);
        }
    }

    @Property(tries = 2000)
    void randomTokens_parseOrFailWithASyntaxError(@ForAll("tokens") String text) {
        randomText_parsesOrFailsWithASyntaxError(text);
    }

    @Property(tries = 2000)
    void randomAst_printedAndParsed_givesTheSameAst(@ForAll("expressions") FilterExpr expr) {
        String printed = expr.toFilterString();
        TraceFilter parsed = TraceFilter.parse(printed);
        assertThat(parsed.expr()).as(printed).isEqualTo(expr);
        // and the compiled filter decides the same on both
        TraceFilter direct = TraceFilter.of(expr);
        assertThat(parsed.test(RICH)).isEqualTo(direct.test(RICH));
        assertThat(parsed.test(BARE)).isEqualTo(direct.test(BARE));
    }

    @Property(tries = 2000)
    void specialisedComparisons_decideAsTheGeneralPath(@ForAll("expressions") FilterExpr expr) {
        for (Trace t : List.of(RICH, BARE)) {
            assertThat(FilterEvaluator.compile(expr).test(t)).as(expr.toFilterString())
                    .isEqualTo(FilterEvaluator.compileGeneral(expr).test(t));
        }
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().all().ofMaxLength(60);
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.of(VOCABULARY).list().ofMaxSize(14)
                .map(parts -> String.join(parts.size() % 3 == 0 ? "" : " ", parts));
    }

    @Provide
    Arbitrary<FilterExpr> expressions() {
        return expr(3);
    }

    private Arbitrary<FilterExpr> expr(int depth) {
        if (depth == 0) {
            return comparison();
        }
        Arbitrary<FilterExpr> sub = Arbitraries.lazy(() -> expr(depth - 1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, comparison()),
                net.jqwik.api.Tuple.of(1, sub.list().ofMinSize(2).ofMaxSize(3).map(FilterExpr.And::new)),
                net.jqwik.api.Tuple.of(1, sub.list().ofMinSize(2).ofMaxSize(3).map(FilterExpr.Or::new)),
                net.jqwik.api.Tuple.of(1, sub.map(FilterExpr.Not::new)));
    }

    private Arbitrary<FilterExpr> comparison() {
        return Combinators.combine(field(), Arbitraries.of(Operator.class), Arbitraries.integers().between(1, 3),
                        values(), numbers())
                .as((field, op, n, strings, nums) -> {
                    // only what the parser accepts for this field (MLflow's comparator rules)
                    Operator o = field.allowedOperators().contains(op) ? op
                            : field.allowedOperators().iterator().next();
                    boolean assessment = field.kind() == FieldKind.FEEDBACK
                            || field.kind() == FieldKind.EXPECTATION;
                    List<Object> pool = field.isNumeric() || assessment && o.isOrdering() ? nums
                            : field.kind() == FieldKind.ATTRIBUTE && field.key().equals("prompt")
                            ? strings.stream().<Object>map(s -> s + "/1").toList()
                            : o == Operator.RLIKE ? strings.stream().<Object>map(java.util.regex.Pattern::quote).toList()
                            : o.isPattern() ? strings.stream().<Object>map(s -> s).toList() : mix(strings, nums);
                    List<Object> values = switch (o.arity()) {
                        case 0 -> List.of();
                        case 1 -> List.of(pool.get(0));
                        default -> pool.subList(0, Math.min(n, pool.size()));
                    };
                    return (FilterExpr) new FilterExpr.Comparison(field, o, values);
                });
    }

    private static List<Object> mix(List<String> strings, List<Object> nums) {
        return List.of(strings.get(0), nums.get(0), strings.get(1), nums.get(1));
    }

    /** Values and keys the test traces hold, so that random comparisons match as often as they miss. */
    private static final List<String> KNOWN_VALUES = List.of("OK", "IN_PROGRESS", "ERROR", "prod", "Search",
            "chat_pipeline", "llm", "retrieve_docs", "RETRIEVER", "AGENT", "alice", "no", "true", "run-7", "req-42",
            "1234", "gpt-4o", FilterTraces.ID, "tr-bare", "%e%", "_lm", "quote's");
    private static final List<String> KNOWN_KEYS = List.of("env", "team", "mlflow.traceName", "mlflow.user", "tokens",
            "mlflow.sourceRun", "o'brien", "model", "k", "temperature", "index.name", "user_rating", "relevance",
            "safe", "old_rating");

    private Arbitrary<List<String>> values() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(12), Arbitraries.of(KNOWN_VALUES))
                .list().ofSize(3);
    }

    private Arbitrary<List<Object>> numbers() {
        Arbitrary<Object> longs = Arbitraries.oneOf(Arbitraries.longs(),
                Arbitraries.of(FilterTraces.START_MS, FilterTraces.START_MS + 1500, 1000L, 1500L, 1234L, 5L, 1L, 0L,
                        Long.MIN_VALUE, Long.MAX_VALUE))
                .map(l -> (Object) l);
        Arbitrary<Object> doubles = Arbitraries.doubles().filter(Double::isFinite).map(d -> (Object) d);
        return Arbitraries.oneOf(longs, doubles).list().ofSize(3);
    }

    private Arbitrary<Field> field() {
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.of(KNOWN_KEYS),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12),
                Arbitraries.strings().alpha().numeric().withChars('_', '.', '`').ofMinLength(1).ofMaxLength(12));
        Arbitrary<Field> attributes = Arbitraries.of(Field.TRACE_ATTRIBUTES.stream().sorted().toList())
                .map(Field::attribute);
        Arbitrary<Field> keyed = Combinators.combine(
                Arbitraries.of(FieldKind.TAG, FieldKind.METADATA, FieldKind.SPAN_ATTRIBUTE, FieldKind.FEEDBACK,
                        FieldKind.EXPECTATION), keys)
                .as(Field::new);
        Arbitrary<Field> span = Arbitraries.of(new Field(FieldKind.SPAN_NAME, "name"),
                new Field(FieldKind.SPAN_TYPE, "type"), new Field(FieldKind.SPAN_STATUS, "status"),
                new Field(FieldKind.SPAN_CONTENT, "content"));
        return Arbitraries.oneOf(attributes, keyed, span);
    }
}
