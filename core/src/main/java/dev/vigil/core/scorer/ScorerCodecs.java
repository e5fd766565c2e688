package dev.vigil.core.scorer;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Rebuilds scorers from their stored {@link ScorerDefinition}: the {@link ScorerCodec} of the definition's kind,
 * found through {@link ServiceLoader}. The built-in {@code java} codec comes first; then every codec on the path,
 * each module providing its kind ({@code python} by {@code dev.vigil:vigil-python}, {@code judge} by
 * {@code dev.vigil:vigil-judges}). An unknown kind fails naming the artifact that provides it.
 */
public final class ScorerCodecs {

    /** The artifact that provides each kind this codebase knows. */
    public static final Map<String, String> PROVIDING_ARTIFACTS = Map.of(
            "java", "dev.vigil:vigil-core",
            "python", "dev.vigil:vigil-python",
            "judge", "dev.vigil:vigil-judges");

    private static volatile Map<String, ScorerCodec> codecs;

    private ScorerCodecs() {}

    /**
     * @param name the registered name the scorer takes
     * @param definition its definition
     * @return the rebuilt scorer, named {@code name}
     * @throws InvalidInputException if no codec on the path owns the kind (naming the artifact that provides it
     *     and the kinds available), or if the codec rejects the definition
     */
    public static Scorer decode(String name, ScorerDefinition definition) {
        ScorerCodec codec = codec(definition.kind());
        Scorer scorer = codec.decode(name, definition);
        return Scorers.renamed(scorer, name);
    }

    /**
     * @param kind a scorer kind
     * @return the codec owning it
     * @throws InvalidInputException if none is on the path
     */
    public static ScorerCodec codec(String kind) {
        ScorerCodec codec = codecs().get(kind);
        if (codec == null) {
            String artifact = PROVIDING_ARTIFACTS.get(kind);
            throw new InvalidInputException("no scorer codec for kind '" + kind + "' on the class or module path"
                    + (artifact != null ? "; it is provided by " + artifact + ": add that dependency"
                            : "; no Vigil module provides it (known kinds: java, python, judge)")
                    + ". Available kinds: " + String.join(", ", codecs().keySet()));
        }
        return codec;
    }

    /** @return the kinds whose codec is on the path, sorted */
    public static java.util.Set<String> kinds() {
        return codecs().keySet();
    }

    private static Map<String, ScorerCodec> codecs() {
        Map<String, ScorerCodec> c = codecs;
        if (c == null) {
            synchronized (ScorerCodecs.class) {
                c = codecs;
                if (c == null) {
                    Map<String, ScorerCodec> found = new TreeMap<>();
                    found.put(JavaScorerCodec.KIND, new JavaScorerCodec());
                    for (ScorerCodec codec : ServiceLoader.load(ScorerCodec.class)) {
                        found.putIfAbsent(codec.kind(), codec);
                    }
                    c = java.util.Collections.unmodifiableMap(found);
                    codecs = c;
                }
            }
        }
        return c;
    }
}
