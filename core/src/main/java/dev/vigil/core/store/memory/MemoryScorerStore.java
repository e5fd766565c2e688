package dev.vigil.core.store.memory;

import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.ScorerStore;
import dev.vigil.spi.store.support.Revisions;
import dev.vigil.spi.store.support.StoreArguments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** Scorer versions of a {@link MemoryStore}: experiment → name → version → record. */
final class MemoryScorerStore implements ScorerStore {
    private final MemoryStore store;
    private final Map<String, NavigableMap<String, NavigableMap<Integer, ScorerVersion>>> byExperiment =
            new HashMap<>();

    MemoryScorerStore(MemoryStore store) {
        this.store = store;
    }

    @Override
    public ScorerVersion create(ScorerVersion version) {
        StoreArguments.present(version, "create needs a scorer version");
        Revisions.requireNew(version.revision(), "scorer '" + version.name() + "' v" + version.version());
        return store.write(() -> {
            store.requireExperiment(version.experimentId(), "scorer '" + version.name() + "'");
            NavigableMap<Integer, ScorerVersion> versions = byExperiment
                    .computeIfAbsent(version.experimentId(), e -> new TreeMap<>())
                    .computeIfAbsent(version.name(), n -> new TreeMap<>());
            int latest = versions.isEmpty() ? 0 : versions.lastKey();
            try {
                Revisions.checkNextVersion("scorer '" + version.name() + "' in experiment " + version.experimentId(),
                        latest, version.version());
            } catch (RuntimeException refused) {
                dropIfEmpty(version.experimentId(), version.name());
                throw refused;
            }
            versions.put(version.version(), version);
            return version;
        });
    }

    @Override
    public ScorerVersion update(ScorerVersion updated) {
        StoreArguments.present(updated, "update needs a scorer version");
        return store.write(() -> {
            ScorerVersion current = getLocked(updated.experimentId(), updated.name(), updated.version());
            Revisions.checkUpdate("scorer '" + updated.name() + "' version " + updated.version() + " in experiment "
                    + updated.experimentId(), current == null ? null : (long) current.revision(), updated.revision());
            byExperiment.get(updated.experimentId()).get(updated.name()).put(updated.version(), updated);
            return updated;
        });
    }

    @Override
    public Optional<ScorerVersion> get(String experimentId, String name, int version) {
        return store.read(() -> Optional.ofNullable(getLocked(experimentId, name, version)));
    }

    @Override
    public Optional<ScorerVersion> latest(String experimentId, String name) {
        return store.read(() -> {
            NavigableMap<Integer, ScorerVersion> versions = versionsLocked(experimentId, name);
            return versions == null || versions.isEmpty() ? Optional.empty()
                    : Optional.of(versions.lastEntry().getValue());
        });
    }

    @Override
    public List<ScorerVersion> list(String experimentId) {
        return store.read(() -> {
            List<ScorerVersion> out = new ArrayList<>();
            NavigableMap<String, NavigableMap<Integer, ScorerVersion>> names = byExperiment.get(experimentId);
            if (names != null) {
                names.values().forEach(v -> out.addAll(v.values()));
            }
            return List.copyOf(out);
        });
    }

    @Override
    public int delete(String experimentId, String name) {
        return store.write(() -> {
            NavigableMap<String, NavigableMap<Integer, ScorerVersion>> names = byExperiment.get(experimentId);
            NavigableMap<Integer, ScorerVersion> removed = names == null ? null : names.remove(name);
            return removed == null ? 0 : removed.size();
        });
    }

    @Override
    public boolean delete(String experimentId, String name, int version) {
        return store.write(() -> {
            NavigableMap<Integer, ScorerVersion> versions = versionsLocked(experimentId, name);
            boolean removed = versions != null && versions.remove(version) != null;
            dropIfEmpty(experimentId, name);
            return removed;
        });
    }

    private ScorerVersion getLocked(String experimentId, String name, int version) {
        NavigableMap<Integer, ScorerVersion> versions = versionsLocked(experimentId, name);
        return versions == null ? null : versions.get(version);
    }

    private NavigableMap<Integer, ScorerVersion> versionsLocked(String experimentId, String name) {
        NavigableMap<String, NavigableMap<Integer, ScorerVersion>> names = byExperiment.get(experimentId);
        return names == null || name == null ? null : names.get(name);
    }

    private void dropIfEmpty(String experimentId, String name) {
        NavigableMap<String, NavigableMap<Integer, ScorerVersion>> names = byExperiment.get(experimentId);
        if (names != null && names.containsKey(name) && names.get(name).isEmpty()) {
            names.remove(name);
        }
    }
}
