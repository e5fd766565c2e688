package dev.vigil.core.scorer;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The codec of kind {@code java}: config {@code {"class": "com.example.MyScorer"}}, a public class with a public
 * no-arg constructor implementing {@link CodeScorer} or {@link Scorer}. The class is loaded with the thread's
 * context class loader (falling back to this module's), instantiated once per decode, and given the registered
 * name. Definitions of lambda scorers ({@code "lambda"} key, from {@link Scorers#code}) are refused: a lambda
 * cannot be rebuilt outside the process that made it.
 */
public final class JavaScorerCodec implements ScorerCodec {

    /** The kind this codec owns. */
    public static final String KIND = "java";

    /** Creates the codec (ServiceLoader needs a public no-arg constructor). */
    public JavaScorerCodec() {}

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Scorer decode(String name, ScorerDefinition definition) {
        if (!KIND.equals(definition.kind())) {
            throw new InvalidInputException("the java codec cannot decode a scorer of kind '" + definition.kind() + "'");
        }
        String className = definition.string(Scorers.CLASS_KEY);
        if (className == null || className.isBlank()) {
            String lambda = definition.string(Scorers.LAMBDA_KEY);
            if (lambda != null) {
                throw new InvalidInputException("scorer '" + name + "' was made with Scorers.code from a lambda ("
                        + lambda + "); a lambda cannot be rebuilt from storage, so it runs only in the process that "
                        + "registered it. To run it elsewhere, register a class: Scorers.ofClass(\"" + name
                        + "\", MyScorer.class), where MyScorer is public, has a public no-arg constructor and "
                        + "implements CodeScorer or Scorer");
            }
            throw new InvalidInputException("java scorer '" + name + "' has no \"class\" in its definition "
                    + definition.config() + "; expected {\"class\": \"com.example.MyScorer\"}");
        }
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(className, true, loader != null ? loader : JavaScorerCodec.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvalidInputException("java scorer '" + name + "' names class " + className
                    + ", which cannot be loaded (" + e + "); put the jar holding it on the class or module path (the vigil command: --classpath JAR)");
        }
        return instantiate(name, type);
    }

    static Scorer instantiate(String name, Class<?> type) {
        dev.vigil.spi.scorer.ScorerVersion.validateName(name);
        if (!CodeScorer.class.isAssignableFrom(type) && !Scorer.class.isAssignableFrom(type)) {
            throw new InvalidInputException("class " + type.getName() + " (scorer '" + name
                    + "') implements neither dev.vigil.core.scorer.CodeScorer nor dev.vigil.spi.scorer.Scorer");
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw new InvalidInputException("class " + type.getName() + " (scorer '" + name
                    + "') must be public and not abstract");
        }
        Object instance;
        try {
            Constructor<?> ctor = type.getConstructor();
            instance = ctor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new InvalidInputException("class " + type.getName() + " (scorer '" + name
                    + "') needs a public no-arg constructor");
        } catch (IllegalAccessException e) {
            throw new InvalidInputException("class " + type.getName() + " (scorer '" + name
                    + "') is not accessible to dev.vigil.core: export its package to dev.vigil.core (" + e.getMessage()
                    + ")");
        } catch (InvocationTargetException e) {
            throw new InvalidInputException("constructing " + type.getName() + " (scorer '" + name + "') failed: "
                    + e.getCause());
        } catch (InstantiationException e) {
            throw new InvalidInputException("class " + type.getName() + " (scorer '" + name
                    + "') cannot be instantiated: " + e);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(Scorers.CLASS_KEY, type.getName());
        ScorerDefinition definition = new ScorerDefinition(KIND, config);
        if (instance instanceof Scorer scorer) {
            return new ClassScorer(Scorers.renamed(scorer, name), definition);
        }
        CodeScorer code = (CodeScorer) instance;
        return new Scorers.FunctionScorer(name, code,
                Scorers.checkAggregations(name, code.aggregations()), definition);
    }

    /** A class-backed {@link Scorer} whose definition names its class. */
    private record ClassScorer(Scorer delegate, ScorerDefinition definition)
            implements Scorer, dev.vigil.spi.session.SessionScorer {
        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public Object score(dev.vigil.spi.scorer.ScorerInput input) throws Exception {
            return delegate.score(input);
        }

        @Override
        public Object scoreSession(dev.vigil.spi.session.Session session) throws Exception {
            return Scorers.sessionDelegate(name(), delegate).scoreSession(session);
        }

        @Override
        public boolean sessionLevel() {
            return delegate instanceof dev.vigil.spi.session.SessionScorer s && s.sessionLevel();
        }

        @Override
        public java.util.List<Aggregation> aggregations() {
            return delegate.aggregations();
        }

        @Override
        public dev.vigil.spi.model.AssessmentSource source() {
            return delegate.source();
        }

        @Override
        public Workload workload() {
            return delegate.workload();
        }
    }
}
