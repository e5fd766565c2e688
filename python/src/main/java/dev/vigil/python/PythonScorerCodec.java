package dev.vigil.python;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds Python scorers ({@code kind: python}) from their definition: {@code source}, {@code entry_point},
 * {@code aggregations} and {@code isolation} ({@code in_process} or {@code process}). They run in the
 * {@linkplain PythonSandbox#shared() shared sandbox}.
 */
public final class PythonScorerCodec implements ScorerCodec {
    /** For {@link java.util.ServiceLoader}. */
    public PythonScorerCodec() {}

    @Override
    public String kind() {
        return PythonScorer.KIND;
    }

    @Override
    public Scorer decode(String name, ScorerDefinition definition) {
        return decode(name, definition, PythonSandbox.shared());
    }

    /**
     * @param name the registered name
     * @param definition a {@code python} definition
     * @param sandbox the sandbox to run it in
     * @return the scorer
     * @throws InvalidInputException if the definition is not a valid Python scorer
     */
    public PythonScorer decode(String name, ScorerDefinition definition, PythonSandbox sandbox) {
        if (!PythonScorer.KIND.equals(definition.kind())) {
            throw new InvalidInputException("the python codec decodes kind 'python', got '" + definition.kind() + "'");
        }
        String source = definition.string("source");
        if (source == null) {
            throw new InvalidInputException("python scorer '" + name + "' has no 'source' in its definition");
        }
        PythonScorer.Builder b = PythonScorer.builder().name(name).source(source)
                .entryPoint(definition.string("entry_point")).sandbox(sandbox);
        Object level = definition.config().get(PythonScorer.SESSION_LEVEL_KEY);
        if (level instanceof Boolean bool) {
            b.expectSessionLevel(bool);
        } else if (level != null) {
            throw new InvalidInputException("python scorer '" + name + "': '" + PythonScorer.SESSION_LEVEL_KEY
                    + "' must be true or false, got " + level);
        }
        String isolation = definition.string("isolation");
        if (isolation != null) {
            b.isolation(Isolation.fromWireName(isolation));
        }
        Object aggs = definition.config().get("aggregations");
        if (aggs instanceof List<?> list) {
            List<String> names = new ArrayList<>();
            list.forEach(a -> names.add(String.valueOf(a)));
            b.aggregations(names);
        } else if (aggs != null) {
            throw new InvalidInputException("python scorer '" + name + "': 'aggregations' must be a list of names");
        }
        return b.build();
    }

    /** Answers from the definition where it can ({@link #isSessionLevel}), so listing scorers builds no GraalPy context. */
    @Override
    public boolean sessionLevel(ScorerDefinition definition) {
        return isSessionLevel(definition);
    }

    /**
     * Whether a {@code python} definition is a session scorer, answered without a GraalPy context where that is
     * exact: a definition written by {@link PythonScorer} says so ({@code session_level: true}); a source without
     * the word {@code session} cannot take that parameter. Anything else is decoded.
     *
     * @param definition a {@code python} definition
     * @return true if the scorer's function takes {@code session}
     * @throws InvalidInputException if the definition must be decoded and is not a valid Python scorer
     */
    public static boolean isSessionLevel(ScorerDefinition definition) {
        Object level = definition.config().get(PythonScorer.SESSION_LEVEL_KEY);
        if (level instanceof Boolean bool) {
            return bool;
        }
        String source = definition.string("source");
        if (source != null && !source.contains("session")) {
            return false;
        }
        return new PythonScorerCodec().decode("session-level-check", definition, PythonSandbox.shared())
                .sessionLevel();
    }
}
