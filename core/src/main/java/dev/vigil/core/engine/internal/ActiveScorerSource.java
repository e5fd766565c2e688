package dev.vigil.core.engine.internal;

import java.util.List;

/** Where the engine finds the scorer versions to run for an experiment (the scorer registry). */
@FunctionalInterface
public interface ActiveScorerSource {

    /**
     * @param experimentId an experiment id
     * @return its scorer versions with a sample rate above 0, decoded and with their filters compiled
     */
    List<ActiveScorer> active(String experimentId);
}
