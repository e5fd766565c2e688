package dev.vigil.core.registry;

import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.scorer.ScorerVersion;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The scorer instances behind a {@link ScorerRegistry}'s records: the live instances registered in this process,
 * and the ones rebuilt from stored definitions (kept while the definition is unchanged). A stored scorer that cannot
 * be rebuilt here becomes one whose every call fails with the reason. Thread-safe.
 */
final class ScorerInstances {
    private final BiFunction<String, ScorerDefinition, Scorer> decoder;
    private final Map<Key, Scorer> live = new ConcurrentHashMap<>();
    private final Map<Key, Decoded> decoded = new ConcurrentHashMap<>();

    private record Key(String name, int version) {}

    private record Decoded(ScorerDefinition definition, Scorer scorer) {}

    ScorerInstances(BiFunction<String, ScorerDefinition, Scorer> decoder) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /** Keeps the live instance registered in this process for a version. */
    void keepLive(String name, int version, Scorer scorer) {
        live.put(new Key(name, version), scorer);
    }

    /** @return the live instance of a version, else the one rebuilt from its definition */
    Scorer scorerFor(ScorerVersion v) {
        Key key = new Key(v.name(), v.version());
        Scorer s = live.get(key);
        if (s != null) {
            return s;
        }
        Decoded d = decoded.get(key);
        if (d != null && d.definition().equals(v.definition())) {
            return d.scorer();
        }
        Scorer built;
        try {
            built = decoder.apply(v.name(), v.definition());
        } catch (RuntimeException e) {
            built = new UnavailableScorer(v.name(), v.definition(), e.getMessage());
        }
        decoded.put(key, new Decoded(v.definition(), built));
        return built;
    }

    /** Forgets one version's instances, or every version's when {@code version < 0}. */
    void forget(String name, int version) {
        if (version < 0) {
            live.keySet().removeIf(k -> k.name().equals(name));
            decoded.keySet().removeIf(k -> k.name().equals(name));
        } else {
            live.remove(new Key(name, version));
            decoded.remove(new Key(name, version));
        }
    }

    /** A stored scorer that cannot be rebuilt here: every call fails with the reason. */
    private record UnavailableScorer(String name, ScorerDefinition definition, String reason)
            implements Scorer, dev.vigil.core.engine.internal.Unavailable {
        @Override
        public String unavailableReason() {
            return reason;
        }

        @Override
        public Object score(ScorerInput input) {
            throw new IllegalStateException("scorer '" + name + "' cannot run in this process: " + reason);
        }
    }
}
