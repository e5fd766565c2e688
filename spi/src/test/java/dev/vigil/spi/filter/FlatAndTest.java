package dev.vigil.spi.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The flattened AND: every slot, a second comparison of a held kind, and other operands decide as the general path. */
class FlatAndTest {

    private static final long T0 = 1_717_200_000_000L;
    private static final List<Trace> TRACES = traces();

    private static Trace trace(int i, Random r) {
        String id = "tr-" + i;
        TraceInfo.Builder b = TraceInfo.builder().traceId(id).experimentId("1")
                .requestTime(Instant.ofEpochMilli(T0 + r.nextInt(3)))
                .executionDurationMs(r.nextInt(4) == 0 ? null : (long) r.nextInt(3) * 500)
                .state(TraceState.values()[r.nextInt(TraceState.values().length)]);
        if (r.nextBoolean()) {
            b.tag("env", r.nextBoolean() ? "prod" : "dev");
        }
        if (r.nextBoolean()) {
            b.tag("team", r.nextBoolean() ? "search" : "ads");
        }
        if (r.nextBoolean()) {
            b.traceMetadata("user", r.nextBoolean() ? "alice" : "bob");
        }
        List<Span> spans = new ArrayList<>();
        String[] types = {"AGENT", "RETRIEVER", "CHAT_MODEL"};
        String[] names = {"chat", "retrieve", "llm"};
        for (int k = 0, n = r.nextInt(4); k < n; k++) {
            spans.add(Span.builder().traceId(id).spanId("s" + k).name(names[r.nextInt(3)])
                    .spanType(types[r.nextInt(3)]).status(SpanStatus.OK).build());
        }
        return new Trace(b.build(), spans);
    }

    private static List<Trace> traces() {
        Random r = new Random(11);
        List<Trace> all = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            all.add(trace(i, r));
        }
        return all;
    }

    private static FilterExpr cmp(Field f, Operator op, Object value) {
        return new FilterExpr.Comparison(f, op, List.of(value));
    }

    private static final Field STATUS = Field.attribute("status");
    private static final Field SPAN_TYPE = new Field(FieldKind.SPAN_TYPE, "type");
    private static final Field SPAN_NAME = new Field(FieldKind.SPAN_NAME, "name");

    private static void assertFlatAndSameAsGeneral(FilterExpr expr) {
        Predicate<Trace> compiled = FilterEvaluator.compile(expr);
        Predicate<Trace> general = FilterEvaluator.compileGeneral(expr);
        assertThat(compiled).as(expr.toFilterString()).isInstanceOf(FlatAnd.class);
        int matched = 0;
        for (Trace t : TRACES) {
            boolean expected = general.test(t);
            assertThat(compiled.test(t)).as(expr.toFilterString() + " on " + t).isEqualTo(expected);
            matched += expected ? 1 : 0;
        }
        // the population is varied enough that each filter both matches and misses some trace, unless it never can
        assertThat(matched).as(expr.toFilterString()).isLessThan(TRACES.size());
    }

    @Test
    void everySlot_decidesAsTheGeneralPath() {
        assertFlatAndSameAsGeneral(new FilterExpr.And(List.of(cmp(STATUS, Operator.EQ, "OK"),
                cmp(Field.tag("env"), Operator.EQ, "prod"),
                cmp(Field.attribute("execution_time_ms"), Operator.GT, 400L),
                cmp(SPAN_TYPE, Operator.EQ, "RETRIEVER"))));
        assertFlatAndSameAsGeneral(new FilterExpr.And(List.of(cmp(Field.metadata("user"), Operator.EQ, "alice"),
                cmp(Field.attribute("timestamp_ms"), Operator.LE, T0 + 1),
                cmp(Field.attribute("end_time_ms"), Operator.GE, T0 + 500),
                cmp(SPAN_NAME, Operator.EQ, "llm"))));
        // span type and span name may match on different spans
        assertFlatAndSameAsGeneral(new FilterExpr.And(List.of(cmp(SPAN_TYPE, Operator.EQ, "AGENT"),
                cmp(SPAN_NAME, Operator.EQ, "llm"))));
        // duration and end time both need a duration
        assertFlatAndSameAsGeneral(new FilterExpr.And(List.of(cmp(Field.attribute("execution_time_ms"),
                Operator.LT, 1000L), cmp(Field.attribute("end_time_ms"), Operator.LT, T0 + 600))));
    }

    @Test
    void aSecondComparisonOfAKindAndOtherForms_areTestedAfterTheSlots() {
        assertFlatAndSameAsGeneral(new FilterExpr.And(List.of(cmp(Field.tag("env"), Operator.EQ, "prod"),
                cmp(Field.tag("team"), Operator.EQ, "search"))));
        assertFlatAndSameAsGeneral(new FilterExpr.And(List.of(cmp(Field.tag("team"), Operator.LIKE, "s%"),
                cmp(STATUS, Operator.EQ, "ERROR"), cmp(STATUS, Operator.NE, "OK"),
                new FilterExpr.Not(cmp(SPAN_TYPE, Operator.EQ, "AGENT")),
                new FilterExpr.Or(List.of(cmp(Field.metadata("user"), Operator.EQ, "bob"),
                        new FilterExpr.Comparison(Field.attribute("execution_time_ms"), Operator.IS_NULL,
                                List.of()))),
                cmp(SPAN_NAME, Operator.EQ, "chat"), cmp(SPAN_NAME, Operator.EQ, "llm"))));
    }

    @Test
    void aStatusNoStateHas_neverMatches() {
        FilterExpr expr = new FilterExpr.And(List.of(cmp(STATUS, Operator.EQ, "NOPE"),
                cmp(Field.tag("env"), Operator.EQ, "prod")));
        assertFlatAndSameAsGeneral(expr);
        assertThat(TRACES).noneMatch(FilterEvaluator.compile(expr));
    }

    @Test
    void anAndWithoutACommonComparison_keepsOneClassPerArity() {
        FilterExpr expr = new FilterExpr.And(List.of(cmp(Field.tag("env"), Operator.NE, "prod"),
                cmp(Field.metadata("user"), Operator.LIKE, "a%")));
        assertThat(FilterEvaluator.compile(expr)).isInstanceOf(TracePredicates.And2.class);
    }
}
