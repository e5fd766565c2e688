package dev.vigil.core.store.memory;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.ExperimentStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Experiments of a {@link MemoryStore}; ids are "1", "2", ... in creation order, as MLflow numbers them. */
final class MemoryExperimentStore implements ExperimentStore {
    private final MemoryStore store;
    private final Map<String, Experiment> byId = new LinkedHashMap<>();
    private final Map<String, Experiment> byName = new HashMap<>();
    private long nextId = 1;

    MemoryExperimentStore(MemoryStore store) {
        this.store = store;
    }

    @Override
    public Experiment getOrCreate(String name) {
        Experiment.validateName(name);
        Experiment existing = store.read(() -> byName.get(name));
        if (existing != null) {
            return existing;
        }
        return store.write(() -> byName.computeIfAbsent(name, n -> {
            Experiment e = new Experiment(Long.toString(nextId++), n, store.clock().instant());
            byId.put(e.experimentId(), e);
            return e;
        }));
    }

    @Override
    public Optional<Experiment> get(String experimentId) {
        return store.read(() -> Optional.ofNullable(byId.get(experimentId)));
    }

    @Override
    public Optional<Experiment> findByName(String name) {
        return store.read(() -> Optional.ofNullable(byName.get(name)));
    }

    @Override
    public List<Experiment> list() {
        return store.read(() -> List.copyOf(new ArrayList<>(byId.values())));
    }

    /** Call under the lock. */
    boolean existsLocked(String experimentId) {
        return byId.containsKey(experimentId);
    }
}
