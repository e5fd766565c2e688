package dev.vigil.spi.store;

import dev.vigil.spi.model.Experiment;
import java.util.List;
import java.util.Optional;

/** Experiments: where traces are logged and scorers registered. */
public interface ExperimentStore {

    /**
     * Returns the experiment with this name, creating it if there is none (safe under concurrent callers: they
     * all get the same experiment).
     *
     * @param name 1–256 characters
     * @return the experiment
     * @throws dev.vigil.spi.InvalidInputException for a bad name
     */
    Experiment getOrCreate(String name);

    /**
     * @param experimentId an id
     * @return the experiment with that id
     */
    Optional<Experiment> get(String experimentId);

    /**
     * @param name a name
     * @return the experiment with that name
     */
    Optional<Experiment> findByName(String name);

    /** @return every experiment, ordered by creation */
    List<Experiment> list();
}
