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
}
