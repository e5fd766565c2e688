package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.spi.filter.FilterEvaluator;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One filter language, identical on every store: random filters over random traces (see {@link FilterCases}),
 * scanned from the store with the filter, select exactly the trace ids that the shared in-memory evaluator
 * ({@link FilterEvaluator}) selects over the traces as they were written. Subclass it once per backend.
 *
 * <p>Bounded for CI: a fixed seed and {@value #DEFAULT_CASES} filters. {@code -Dvigil.filterprop.cases=N} runs more,
 * {@code -Dvigil.filterprop.seed=S} another seed. A failure names the seed, the filter as written, and the smallest
 * part of it that still selects differently, with the traces that differ.
 */
public abstract class FilterConformanceSuite {

    /** Filters per run unless {@code vigil.filterprop.cases} says otherwise. */
    public static final int DEFAULT_CASES = 300;
    private static final long DEFAULT_SEED = 20261206L;
    private static final int TRACES = 120;

    private Store store;

    /**
     * @param clock the clock to use
     * @return a new, empty store
     */
    protected abstract Store openStore(Clock clock);

    /**
     * A durable backend closes the written store and opens it again, so that the filters run on what is read back
     * from disk or the database; the default keeps the store as it is.
     *
     * @param written the store the traces were written to
     * @param clock the clock to use
     * @return the store to scan
     */
    protected Store reopen(Store written, Clock clock) {
        return written;
    }

    /**
     * The filter-string parser the backend's users go through (vigil-core's {@code TraceFilter.parse(s).expr()}),
     * or null to check only the trees. When given, every case is also written as a user would write it (bare and
     * prefixed attributes, aliases, {@code trace.text}, boolean words) and must parse to the same tree.
     *
     * @return the parser, or null
     */
    protected Function<String, FilterExpr> parser() {
        return null;
    }

    /**
     * Called with each filter the store answered as the evaluator did: a backend may count what it ran natively
     * (a SQL store, how many filters it pushed down exactly) and check that in its own {@code @AfterEach}.
     *
     * @param filter the filter
     */
    protected void agreed(FilterExpr filter) {
    }

    @AfterEach
    void closeIt() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES) // a hang guard only
    void scanWithFilter_selectsExactlyWhatTheInMemoryEvaluatorSelects() {
        long seed = Long.getLong("vigil.filterprop.seed", DEFAULT_SEED);
        int cases = Integer.getInteger("vigil.filterprop.cases", DEFAULT_CASES);
        FilterCases gen = new FilterCases(seed, TRACES);
        Clock clock = Clock.fixed(FilterCases.T0.plusSeconds(TRACES * 10L), ZoneOffset.UTC);
        store = openStore(clock);
        String exp = store.experiments().getOrCreate("filter-conformance").experimentId();

        List<Trace> written = new ArrayList<>();
        for (int i = 0; i < TRACES; i++) {
            written.add(gen.trace(exp, i));
        }
        store.traces().put(written);
        List<Trace> expectedTraces = new ArrayList<>();
        for (Trace t : written) {
            List<Assessment> stored = new ArrayList<>();
            for (Assessment a : gen.assessments(t.traceId())) {
                stored.add(a.metadata().containsKey(Assessment.METADATA_SCORER_NAME)
                        ? store.assessments().upsertScorerFeedback(List.of(a)).get(0)
                        : store.assessments().append(a));
            }
            expectedTraces.add(t.withAssessments(stored));
        }
        Store writtenTo = store;
        store = null; // closed by reopen when it reopens
        store = reopen(writtenTo, clock);
        assertThat(scan(new TraceQuery(exp, null, null, null), 1000)).as("traces stored").hasSize(TRACES);

        Function<String, FilterExpr> parser = parser();
        int selective = 0;
        for (int i = 0; i < cases; i++) {
            FilterExpr filter = gen.expr(3);
            String text = gen.write(filter);
            if (parser != null) {
                assertThat(parser.apply(text)).as("seed %d case %d: parsing %s", seed, i, text).isEqualTo(filter);
            }
            Instant from = gen.nextInt(4) == 0 ? FilterCases.T0.plusMillis(1_000L * gen.nextInt(TRACES)) : null;
            int pageSize = 1 + gen.nextInt(40);
            List<String> expected = expected(expectedTraces, filter, from);
            List<String> actual = ids(exp, filter, from, pageSize);
            if (!expected.isEmpty() && expected.size() < TRACES / 2) {
                selective++;
            }
            if (!actual.equals(expected)) {
                FilterExpr minimal = shrink(expectedTraces, exp, filter, from, pageSize);
                List<String> minExpected = expected(expectedTraces, minimal, from);
                List<String> minActual = ids(exp, minimal, from, pageSize);
                fail(String.format("seed %d case %d (-Dvigil.filterprop.seed=%d -Dvigil.filterprop.cases=%d): the "
                        + "store and the in-memory evaluator disagree on%n  filter:  %s%n  minimal: %s%n"
                        + "  only the store: %s%n  only in memory: %s%n  traces: %s", seed, i, seed, i + 1, text,
                        minimal.toFilterString(),
                        minus(minActual, minExpected), minus(minExpected, minActual),
                        describe(expectedTraces, minus(minActual, minExpected), minus(minExpected, minActual))));
            }
            agreed(filter);
        }
        // the property only says something if many filters pick some traces and leave others
        assertThat(selective).as("filters selecting some but under half of the traces").isGreaterThan(cases / 4);
    }

    /**
     * ILIKE folds case one code point at a time, as MLflow's {@code re.IGNORECASE} match does (each expected set
     * below is what MLflow's {@code _ilike} selects in Python 3): {@code İ} and {@code ı} match {@code i},
     * {@code ſ} matches {@code s}, final {@code ς} matches {@code σ}, the Kelvin sign matches {@code k}, {@code _} is
     * one code point (an emoji too), and nothing expands ({@code ß} is not {@code ss}). Checked against these fixed
     * answers, not the shared evaluator, so a store and the evaluator cannot agree on a wrong answer.
     */
    @Test
    void ilike_foldsCaseOneCodePointAtATime_asMlflowDoes() {
        Clock clock = Clock.fixed(FilterCases.T0.plusSeconds(100), ZoneOffset.UTC);
        store = openStore(clock);
        String exp = store.experiments().getOrCreate("ilike-folding").experimentId();
        List<String> cities = List.of("\u0130stanbul", "istanbul", "ISTANBUL", "\u0131stanbul", "\u017ftop", "STOP",
                "\u039f\u0394\u039f\u03a3", "\u03bf\u03b4\u03bf\u03c2", "200 \u212a", "\ud83d\ude00 smile", "stra\u00dfe");
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < cities.size(); i++) {
            traces.add(new Trace(dev.vigil.spi.model.TraceInfo.builder().traceId("fold-" + i).experimentId(exp)
                    .requestTime(FilterCases.T0.plusSeconds(i)).state(dev.vigil.spi.model.TraceState.OK)
                    .tag("city", cities.get(i)).build(), List.of()));
        }
        store.traces().put(traces);
        Store writtenTo = store;
        store = null; // closed by reopen when it reopens
        store = reopen(writtenTo, clock);
        java.util.Map<String, List<Integer>> cases = new java.util.LinkedHashMap<>();
        cases.put("istanbul", List.of(0, 1, 2, 3));
        cases.put("_stanbul", List.of(0, 1, 2, 3));
        cases.put("%STOP", List.of(4, 5));
        cases.put("\u03bf\u03b4\u03bf\u03c3", List.of(6, 7));
        cases.put("%k", List.of(8));
        cases.put("_ smile", List.of(9));
        cases.put("STRA\u1e9eE", List.of(10));
        cases.put("strasse", List.of());
        cases.put("%\u0130%", List.of(0, 1, 2, 3, 9));
        cases.put("%\u0307%", List.of());
        for (var c : cases.entrySet()) {
            FilterExpr filter = new FilterExpr.Comparison(dev.vigil.spi.filter.Field.tag("city"),
                    dev.vigil.spi.filter.Operator.ILIKE, List.of(c.getKey()));
            List<String> want = c.getValue().stream().map(i -> "fold-" + i).toList();
            assertThat(ids(exp, filter, null, 1 + c.getKey().length() % 4)).as("tags.city ILIKE '%s'", c.getKey())
                    .isEqualTo(want);
            assertThat(expected(traces, filter, null)).as("in memory: tags.city ILIKE '%s'", c.getKey())
                    .isEqualTo(want);
        }
    }

    private static List<String> expected(List<Trace> traces, FilterExpr filter, Instant from) {
        Predicate<Trace> p = FilterEvaluator.compile(filter);
        return traces.stream().filter(t -> from == null || !t.info().requestTime().isBefore(from)).filter(p)
                .map(Trace::traceId).toList();
    }

    private List<String> ids(String exp, FilterExpr filter, Instant from, int pageSize) {
        return scan(new TraceQuery(exp, from, null, filter), pageSize).stream().map(Trace::traceId).toList();
    }

    private List<Trace> scan(TraceQuery q, int pageSize) {
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

    /** The smallest part of a failing filter (an operand, a shorter list) that still selects differently. */
    private FilterExpr shrink(List<Trace> traces, String exp, FilterExpr filter, Instant from, int pageSize) {
        FilterExpr current = filter;
        boolean smaller = true;
        while (smaller) {
            smaller = false;
            for (FilterExpr candidate : parts(current)) {
                if (!ids(exp, candidate, from, pageSize).equals(expected(traces, candidate, from))) {
                    current = candidate;
                    smaller = true;
                    break;
                }
            }
        }
        return current;
    }

    private static List<FilterExpr> parts(FilterExpr e) {
        return switch (e) {
            case FilterExpr.And and -> and.operands();
            case FilterExpr.Or or -> or.operands();
            case FilterExpr.Not not -> not.operand() instanceof FilterExpr.Not inner ? List.of(inner.operand())
                    : List.of();
            case FilterExpr.Comparison c -> c.values().size() < 2 ? List.of() : c.values().stream()
                    .map(v -> (FilterExpr) new FilterExpr.Comparison(c.field(), c.operator(), List.of(v))).toList();
        };
    }

    private static List<String> minus(List<String> a, List<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.removeAll(b);
        return List.copyOf(out);
    }

    private static String describe(List<Trace> traces, List<String> one, List<String> other) {
        Set<String> ids = new LinkedHashSet<>(one);
        ids.addAll(other);
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (Trace t : traces) {
            if (ids.contains(t.traceId()) && shown++ < 3) {
                sb.append(System.lineSeparator()).append("    ").append(t);
            }
        }
        return sb.toString();
    }
}
