package dev.vigil.core.scorer;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.scorer.ScorerVersion;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Factories for Java code scorers.
 *
 * <pre>{@code
 * Scorer length = Scorers.code("response_length", in -> in.outputText().length(), "mean", "min", "max");
 * Scorer mentions = Scorers.code("mentions_vigil", in -> in.outputText().toLowerCase().contains("vigil"));
 * Scorer stored = Scorers.ofClass("politeness", PolitenessScorer.class);
 * }</pre>
 *
 * <p><b>Lambdas versus classes.</b> A scorer made by {@link #code} from a lambda cannot be rebuilt from storage:
 * a lambda has no name another JVM can load. Its {@link Scorer#definition() definition} is of kind {@code java}
 * with {@code {"lambda": "<the lambda's runtime class>", "aggregations": [...]}} and no {@code class}, so
 * {@link JavaScorerCodec} refuses it with a message saying so. Such a scorer can be registered and monitored
 * only in the process that registered it: the {@link dev.vigil.core.registry.ScorerRegistry} keeps the live
 * instance. To score in another process (the CLI, a backfill worker, after a restart), use
 * {@link #ofClass(String, Class)}: a public class implementing {@link CodeScorer} or {@link Scorer} with a public
 * no-arg constructor, stored as {@code {"class": "com.example.MyScorer"}}.
 */
public final class Scorers {

    /** Definition key of a java scorer's class name. */
    public static final String CLASS_KEY = "class";
    /** Definition key marking a scorer made from a lambda (which cannot be rebuilt). */
    public static final String LAMBDA_KEY = "lambda";
    /** Definition key of the aggregation names. */
    public static final String AGGREGATIONS_KEY = "aggregations";

    private Scorers() {}

    /**
     * @param name the scorer name (1–256 characters)
     * @param fn the scoring function: returns bool, number, string, Feedback, list of Feedback, or null
     * @return a code scorer aggregated by {@code mean}
     */
    public static Scorer code(String name, Function<ScorerInput, ?> fn) {
        return code(name, fn, List.of(Aggregation.MEAN));
    }

    /**
     * @param name the scorer name
     * @param fn the scoring function
     * @param aggregations built-in aggregation names: mean, min, max, median, variance, p90
     * @return a code scorer with those aggregations
     * @throws InvalidInputException for an unknown aggregation name
     */
    public static Scorer code(String name, Function<ScorerInput, ?> fn, String... aggregations) {
        return code(name, fn, Arrays.stream(aggregations).map(Aggregation::named).toList());
    }

    /**
     * @param name the scorer name
     * @param fn the scoring function
     * @param aggregations the aggregations, built-in or custom ({@link Aggregation#of})
     * @return a code scorer with those aggregations
     */
    public static Scorer code(String name, Function<ScorerInput, ?> fn, Aggregation... aggregations) {
        return code(name, fn, List.of(aggregations));
    }

    /**
     * @param name the scorer name
     * @param fn the scoring function
     * @param aggregations the aggregations, at least one
     * @return a code scorer with those aggregations
     */
    public static Scorer code(String name, Function<ScorerInput, ?> fn, List<Aggregation> aggregations) {
        ScorerVersion.validateName(name);
        Objects.requireNonNull(fn, "fn");
        List<Aggregation> aggs = checkAggregations(name, aggregations);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(LAMBDA_KEY, fn.getClass().getName());
        config.put(AGGREGATIONS_KEY, aggs.stream().map(Aggregation::name).toList());
        return new FunctionScorer(name, fn::apply, aggs, new ScorerDefinition(JavaScorerCodec.KIND, config));
    }

    /**
     * A scorer backed by a named class, which can be stored and rebuilt anywhere the class is on the path.
     *
     * @param name the scorer name
     * @param type a public class with a public no-arg constructor implementing {@link CodeScorer} or
     *     {@link Scorer}
     * @return the scorer, with definition {@code {"kind": "java", "config": {"class": type.getName()}}}
     * @throws InvalidInputException if the class cannot be instantiated or implements neither interface
     */
    public static Scorer ofClass(String name, Class<?> type) {
        return JavaScorerCodec.instantiate(name, type);
    }

    /**
     * @param scorer a scorer
     * @param name the name it should carry
     * @return the scorer under that name (itself if it already has it); its code source follows the name
     */
    public static Scorer renamed(Scorer scorer, String name) {
        Objects.requireNonNull(scorer, "scorer");
        ScorerVersion.validateName(name);
        if (scorer.name().equals(name)) {
            return scorer;
        }
        Scorer inner = scorer instanceof RenamedScorer r ? r.delegate() : scorer;
        if (inner.name().equals(name)) {
            return inner;
        }
        return new RenamedScorer(name, inner);
    }

    static List<Aggregation> checkAggregations(String name, List<Aggregation> aggregations) {
        List<Aggregation> aggs = List.copyOf(aggregations);
        if (aggs.isEmpty()) {
            throw new InvalidInputException("scorer '" + name + "' needs at least one aggregation (mean by default)");
        }
        return aggs;
    }

    /** A scorer running a function. */
    record FunctionScorer(String name, CodeScorer fn, List<Aggregation> aggregations, ScorerDefinition definition)
            implements Scorer {
        @Override
        public Object score(ScorerInput input) throws Exception {
            return fn.score(input);
        }

        @Override
        public String toString() {
            return "Scorer[" + name + ", " + definition.kind() + " " + definition.config() + "]";
        }
    }

    /**
     * A scorer under another name. A scorer that can also judge sessions (an LLM judge, a Python scorer) keeps that
     * ability: the wrapper is a {@link dev.vigil.spi.session.SessionScorer} at the delegate's level (trace level when
     * the delegate is not one).
     */
    record RenamedScorer(String name, Scorer delegate) implements Scorer, dev.vigil.spi.session.SessionScorer {
        @Override
        public Object score(ScorerInput input) throws Exception {
            return delegate.score(input);
        }

        @Override
        public Object scoreSession(dev.vigil.spi.session.Session session) throws Exception {
            return sessionDelegate(name, delegate).scoreSession(session);
        }

        @Override
        public boolean sessionLevel() {
            return delegate instanceof dev.vigil.spi.session.SessionScorer s && s.sessionLevel();
        }

        @Override
        public ScorerDefinition definition() {
            return delegate.definition();
        }

        @Override
        public List<Aggregation> aggregations() {
            return delegate.aggregations();
        }

        @Override
        public AssessmentSource source() {
            AssessmentSource s = delegate.source();
            return s.type() == AssessmentSourceType.CODE && s.sourceId().equals(delegate.name())
                    ? AssessmentSource.code(name) : s;
        }

        @Override
        public Workload workload() {
            return delegate.workload();
        }
    }

    /**
     * @param name the wrapping scorer's name, for the message
     * @param delegate what a wrapper delegates to
     * @return it as a session scorer
     * @throws UnsupportedOperationException if it is a trace-level scorer (its wrapper says so by
     *     {@code sessionLevel() == false}, so the session paths never call it)
     */
    static dev.vigil.spi.session.SessionScorer sessionDelegate(String name, Scorer delegate) {
        if (delegate instanceof dev.vigil.spi.session.SessionScorer s) {
            return s;
        }
        throw new UnsupportedOperationException("scorer '" + name + "' is a trace-level scorer: it scores single "
                + "traces, not sessions");
    }
}
