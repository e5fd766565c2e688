package dev.vigil.core.engine.internal;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.core.engine.ScorerKey;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A scorer version the engine runs: the live scorer instance, its registered name and version, its sampling
 * configuration and its compiled filter.
 *
 * @param experimentId the experiment it is registered in
 * @param name the registered name (the name recorded on its feedback)
 * @param version the registered version
 * @param scorer the scorer instance
 * @param sampling the sampling configuration
 * @param filter the compiled filter ({@code t -> true} when the configuration has none)
 */
public record ActiveScorer(String experimentId, String name, int version, Scorer scorer, SamplingConfig sampling,
        Predicate<Trace> filter) {

    /** Validates. */
    public ActiveScorer {
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(sampling, "sampling");
        filter = filter == null ? t -> true : filter;
    }

    /** @return the key identifying this scorer version within the store */
    public ScorerKey key() {
        return new ScorerKey(experimentId, name, version);
    }
}
