package dev.vigil.core.engine;

import java.util.Objects;

/**
 * One registered scorer version.
 *
 * @param experimentId the experiment
 * @param name the registered name
 * @param version the version
 */
public record ScorerKey(String experimentId, String name, int version) {
    /** Validates. */
    public ScorerKey {
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return name + " v" + version + " (experiment " + experimentId + ")";
    }
}
