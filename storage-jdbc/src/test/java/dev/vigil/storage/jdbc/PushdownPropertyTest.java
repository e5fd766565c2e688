package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FieldKind;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random filters over random traces: what a scan with the filter pushed down returns is exactly what vigil-core's
 * in-memory predicate selects, on every dialect (fixed seed: a failure names the filter and reproduces).
 */
class PushdownPropertyTest {

    private static final long SEED = 20261128L;
    private static final int TRACES = 100;
    private static final int FILTERS = 120;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);

    /** Values chosen to collide often, with quotes, wildcards, injection attempts, numbers as text, non-ASCII. */
    private static final List<String> STRINGS = List.of("a", "b", "ab", "A", "a_b", "a%b", "50%", "_", "%", "",
            "x y", "5", "10", "-3.5", "it's", "' OR 1=1 --", "Robert'); DROP TABLE traces;--", "\\", "ünï", "ÜNÏ",
            "chat", "retrieve", "OK", "ERROR", "LLM", "CHAIN");
    private static final List<String> PATTERNS = List.of("a%", "%b", "%a%", "a_b", "_", "%", "A%", "%'%", "ü%",
            "%DROP%", "5%", "__", "a\\%", "%!_%");
    /** RLIKE patterns: some PostgreSQL runs itself (plain, anchors, alternation, \\.), some it leaves to Java. */
    private static final List<String> REGEXES = List.of("a", "^a", "b$", "a.b", "(a|b)", "\\.", "^(chat|LLM)",
            "A+", "5|10", "[0-9]", "ü", "^$", "it'", "a\\%", "^ab?", "%");
    private static final List<String> KEYS = List.of("k1", "k2", "mlflow.traceName", "mlflow.sourceRun",
            "key'; --");

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void pushedDownScan_selectsExactlyWhatTheInMemoryPredicateSelects(Dialect dialect) {
        Random random = new Random(SEED);
        try (JdbcStore store = TestDatabases.open(dialect, CLOCK)) {
            Experiment e = store.experiments().getOrCreate("pushdown");
            List<Trace> traces = new ArrayList<>();
            for (int i = 0; i < TRACES; i++) {
                traces.add(randomTrace(random, e.experimentId(), i));
            }
            store.traces().put(traces);
            List<Assessment> feedback = new ArrayList<>();
            for (Trace t : traces) {
                if (random.nextInt(3) > 0) {
                    feedback.add(Assessment.builder().name("quality").traceId(t.traceId())
                            .source(new AssessmentSource(AssessmentSourceType.CODE, "s")).createTime(CLOCK.instant())
                            .feedback(pick(random, List.<Object>of("yes", "no", 0.5, 1L, true, "it's")))
                            .metadata(Assessment.METADATA_SCORER_NAME, "s")
                            .metadata(Assessment.METADATA_SCORER_VERSION, "1").build());
                }
            }
            store.assessments().upsertScorerFeedback(feedback);
            List<Trace> stored = scanAll(store, new TraceQuery(e.experimentId(), null, null, null), 1000);
            assertThat(stored).hasSize(TRACES);

            int exact = 0;
            for (int i = 0; i < FILTERS; i++) {
                FilterExpr filter = randomExpr(random, 3);
                TraceFilter predicate = TraceFilter.of(filter);
                List<String> expected = stored.stream().filter(predicate).map(Trace::traceId).toList();
                Instant from = random.nextInt(4) == 0 ? Instant.ofEpochMilli(1_000L * random.nextInt(TRACES)) : null;
                List<String> expectedInRange = from == null ? expected : stored.stream()
                        .filter(t -> !t.info().requestTime().isBefore(from)).filter(predicate).map(Trace::traceId)
                        .toList();
                List<String> actual = scanAll(store, new TraceQuery(e.experimentId(), from, null, filter),
                        1 + random.nextInt(9)).stream().map(Trace::traceId).toList();
                assertThat(actual).as("filter %s on %s", filter.toFilterString(), dialect)
                        .containsExactlyElementsOf(expectedInRange);
                if (new FilterSql(dialect).translate(filter).exact()) {
                    exact++;
                }
            }
            System.out.println("pushdown on " + dialect + ": " + exact + " of " + FILTERS + " filters exact");
            // the property is only worth something if many filters really run in SQL alone
            assertThat(exact).as("filters translated exactly on " + dialect).isGreaterThan(FILTERS / 6); // content, expectations, prompt and SQLite RLIKE run in Java
        }
    }

    private static List<Trace> scanAll(JdbcStore store, TraceQuery q, int pageSize) {
        List<Trace> out = new ArrayList<>();
        String token = null;
        int guard = 0;
        do {
            TracePage page = store.traces().scan(q, token, pageSize);
            out.addAll(page.traces());
            token = page.nextPageToken();
        } while (token != null && ++guard < 10_000);
        return out;
    }

    private static Trace randomTrace(Random r, String experimentId, int i) {
        String id = String.format("tr-%04d", i);
        Map<String, String> tags = randomMap(r);
        Map<String, String> metadata = randomMap(r);
        Instant time = Instant.ofEpochMilli(1_000L * i + r.nextInt(3));
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(experimentId).requestTime(time)
                .executionDurationMs(r.nextInt(4) == 0 ? null : (long) r.nextInt(3000))
                .state(pick(r, List.of(TraceState.values())))
                .clientRequestId(r.nextBoolean() ? null : pick(r, STRINGS))
                .tags(tags).traceMetadata(metadata).build();
        List<Span> spans = new ArrayList<>();
        int n = r.nextInt(4);
        for (int s = 0; s < n; s++) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            if (r.nextBoolean()) {
                attrs.put(pick(r, KEYS), r.nextBoolean() ? pick(r, STRINGS) : (Object) (long) r.nextInt(20));
            }
            spans.add(new Span(id, "s" + s, s == 0 ? null : "s0", pick(r, STRINGS), 1L, 2L,
                    new SpanStatus(pick(r, List.of(SpanStatusCode.values())), null), pick(r, STRINGS), null, null,
                    attrs, List.of()));
        }
        return new Trace(info, spans);
    }

    private static Map<String, String> randomMap(Random r) {
        Map<String, String> m = new LinkedHashMap<>();
        int n = r.nextInt(3);
        for (int k = 0; k < n; k++) {
            m.put(pick(r, KEYS), pick(r, STRINGS));
        }
        return m;
    }

    private static FilterExpr randomExpr(Random r, int depth) {
        int choice = depth == 0 ? 3 : r.nextInt(6);
        return switch (choice) {
            case 0 -> new FilterExpr.And(List.of(randomExpr(r, depth - 1), randomExpr(r, depth - 1)));
            case 1 -> new FilterExpr.Or(List.of(randomExpr(r, depth - 1), randomExpr(r, depth - 1)));
            case 2 -> new FilterExpr.Not(randomExpr(r, depth - 1));
            default -> randomComparison(r);
        };
    }

    private static FilterExpr randomComparison(Random r) {
        Field field = switch (r.nextInt(10)) {
            case 9 -> switch (r.nextInt(3)) {
                case 0 -> new Field(FieldKind.SPAN_CONTENT, "content");
                case 1 -> Field.expectation("quality");
                default -> Field.attribute("prompt");
            };
            case 0, 1 -> Field.attribute(pick(r, List.copyOf(new java.util.TreeSet<>(Field.TRACE_ATTRIBUTES))));
            case 2, 3 -> Field.tag(pick(r, KEYS));
            case 4 -> Field.metadata(pick(r, KEYS));
            case 5 -> new Field(FieldKind.SPAN_NAME, "name");
            case 6 -> r.nextBoolean() ? new Field(FieldKind.SPAN_TYPE, "type") : new Field(FieldKind.SPAN_STATUS, "status");
            case 7 -> new Field(FieldKind.SPAN_ATTRIBUTE, pick(r, KEYS));
            default -> Field.feedback("quality");
        };
        List<Operator> ops = new ArrayList<>(List.of(Operator.values()));
        if (field.isNumeric()) {
            ops.remove(Operator.LIKE);
            ops.remove(Operator.ILIKE);
            ops.remove(Operator.RLIKE);
        }
        Operator op = pick(r, ops);
        List<Object> values = new ArrayList<>();
        switch (op.arity()) {
            case 0 -> { }
            case 1 -> values.add(op == Operator.RLIKE ? pick(r, REGEXES) : op.isPattern() ? pick(r, PATTERNS)
                    : value(r, field));
            default -> {
                int n = 1 + r.nextInt(3);
                for (int k = 0; k < n; k++) {
                    values.add(value(r, field));
                }
            }
        }
        return new FilterExpr.Comparison(field, op, values);
    }

    private static Object value(Random r, Field field) {
        if (field.isNumeric()) {
            return r.nextBoolean() ? (Object) (long) (r.nextInt(TRACES * 1000 + 3000) - 10)
                    : (Object) (r.nextInt(TRACES * 1000) + 0.5);
        }
        return switch (r.nextInt(6)) {
            case 0 -> (long) r.nextInt(12);
            case 1 -> 0.5;
            default -> pick(r, STRINGS);
        };
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }
}
