package dev.vigil.core.backfill;

import dev.vigil.spi.InvalidInputException;
import java.util.OptionalDouble;

/**
 * One scorer to backfill, MLflow's {@code BackfillScorerConfig}: a registered name and an optional sample rate
 * (default: the scorer's current rate).
 *
 * @param name the registered scorer name
 * @param sampleRate the rate to backfill at, in (0, 1], or empty for the scorer's current rate
 */
public record BackfillScorer(String name, OptionalDouble sampleRate) {

    /** Validates. */
    public BackfillScorer {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("a backfill scorer needs a registered scorer name");
        }
        sampleRate = sampleRate == null ? OptionalDouble.empty() : sampleRate;
        if (sampleRate.isPresent()) {
            double r = sampleRate.getAsDouble();
            if (Double.isNaN(r) || r <= 0 || r > 1) {
                throw new InvalidInputException("backfill sample rate for '" + name + "' must be in (0, 1], got " + r);
            }
        }
    }

    /** @param name a registered name @return a config at the scorer's current rate */
    public static BackfillScorer of(String name) {
        return new BackfillScorer(name, OptionalDouble.empty());
    }

    /** @param name a registered name @param rate the rate @return a config at that rate */
    public static BackfillScorer of(String name, double rate) {
        return new BackfillScorer(name, OptionalDouble.of(rate));
    }
}
