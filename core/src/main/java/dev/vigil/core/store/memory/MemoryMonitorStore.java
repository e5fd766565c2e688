package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.MonitorStore;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.StoredMonitor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Monitors of a {@link MemoryStore}: experiment → name → version → record, plus each monitor's history. */
final class MemoryMonitorStore implements MonitorStore {
    private final MemoryStore store;
    private final Map<String, NavigableMap<String, NavigableMap<Integer, StoredMonitor>>> byExperiment =
            new HashMap<>();
    private final Map<String, List<MonitorTransition>> history = new HashMap<>();
    private final Set<String> transitionIds = new HashSet<>();

    MemoryMonitorStore(MemoryStore store) {
        this.store = store;
    }

    private static String key(String experimentId, String name) {
        return experimentId + '\u0000' + name;
    }

    @Override
    public StoredMonitor create(StoredMonitor monitor) {
        if (monitor == null) {
            throw new InvalidInputException("create needs a monitor, got null");
        }
        return store.write(() -> {
            store.requireExperiment(monitor.experimentId(), "monitor '" + monitor.name() + "'");
            NavigableMap<Integer, StoredMonitor> versions = byExperiment
                    .computeIfAbsent(monitor.experimentId(), e -> new TreeMap<>())
                    .computeIfAbsent(monitor.name(), n -> new TreeMap<>());
            int latest = versions.isEmpty() ? 0 : versions.lastKey();
            if (monitor.version() <= latest) {
                throw new StaleWriteException("monitor '" + monitor.name() + "' already has version " + latest
                        + "; cannot create version " + monitor.version() + "; the next version is " + (latest + 1));
            }
            if (monitor.version() != latest + 1) {
                if (versions.isEmpty()) {
                    byExperiment.get(monitor.experimentId()).remove(monitor.name());
                }
                throw new InvalidInputException("monitor '" + monitor.name() + "' is at version " + latest
                        + "; the next version is " + (latest + 1) + ", not " + monitor.version());
            }
            versions.put(monitor.version(), monitor);
            return monitor;
        });
    }

    @Override
    public Optional<StoredMonitor> latest(String experimentId, String name) {
        return store.read(() -> {
            NavigableMap<Integer, StoredMonitor> versions =
                    byExperiment.getOrDefault(experimentId, new TreeMap<>()).get(name);
            return versions == null || versions.isEmpty() ? Optional.empty()
                    : Optional.of(versions.lastEntry().getValue());
        });
    }

    @Override
    public List<StoredMonitor> list(String experimentId) {
        return store.read(() -> {
            List<StoredMonitor> out = new ArrayList<>();
            byExperiment.getOrDefault(experimentId, new TreeMap<>()).values()
                    .forEach(v -> out.add(v.lastEntry().getValue()));
            return List.copyOf(out);
        });
    }

    @Override
    public int delete(String experimentId, String name) {
        return store.write(() -> {
            NavigableMap<String, NavigableMap<Integer, StoredMonitor>> names = byExperiment.get(experimentId);
            NavigableMap<Integer, StoredMonitor> removed = names == null ? null : names.remove(name);
            List<MonitorTransition> h = history.remove(key(experimentId, name));
            if (h != null) {
                h.forEach(t -> transitionIds.remove(t.id()));
            }
            return removed == null ? 0 : removed.size();
        });
    }

    @Override
    public boolean appendTransition(MonitorTransition transition) {
        if (transition == null) {
            throw new InvalidInputException("appendTransition needs a transition, got null");
        }
        return store.write(() -> {
            store.requireExperiment(transition.experimentId(), "monitor transition " + transition.id());
            if (!transitionIds.add(transition.id())) {
                return false;
            }
            history.computeIfAbsent(key(transition.experimentId(), transition.monitorName()),
                    k -> new ArrayList<>()).add(transition);
            return true;
        });
    }

    @Override
    public List<MonitorTransition> history(String experimentId, String name, int limit) {
        if (limit < 1) {
            throw new InvalidInputException("history limit must be 1 or more, got " + limit);
        }
        return store.read(() -> {
            List<MonitorTransition> h = history.getOrDefault(key(experimentId, name), List.of());
            List<MonitorTransition> out = new ArrayList<>();
            for (int i = h.size() - 1; i >= 0 && out.size() < limit; i--) {
                out.add(h.get(i));
            }
            return List.copyOf(out);
        });
    }
}
