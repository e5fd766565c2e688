package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.ScorerStore;
import dev.vigil.spi.store.support.Revisions;
import dev.vigil.spi.store.support.StoreArguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Registered scorer versions: per experiment, the whole registry in {@code experiments/<id>/scorers.state},
 * rewritten atomically (temp file, fsync, rename) on every change, so it never holds superseded records.
 */
final class FsScorerStore implements ScorerStore {
    static final String STATE_FILE = "scorers.state";

    private final FileStore store;
    /** experiment id → name → version → record. */
    private final Map<String, NavigableMap<String, NavigableMap<Integer, ScorerVersion>>> registry = new HashMap<>();
    /**
     * Per experiment, the scorer records this version cannot decode: skipped when read (logged and counted once),
     * written back as they were on every rewrite, dropped only by a delete of their name.
     */
    private final Map<String, List<JsonNode>> unreadable = new HashMap<>();

    FsScorerStore(FileStore store) {
        this.store = store;
    }

    void load() {
        for (Experiment e : store.experiments.listLocked()) {
            Path file = store.experiments.dirOf(e.experimentId()).resolve(STATE_FILE);
            JsonNode arr = FsFiles.readStateJson(file);
            if (arr == null) {
                continue;
            }
            for (JsonNode n : arr) {
                ScorerVersion v;
                try {
                    v = StateJson.scorer(n);
                } catch (RuntimeException ex) {
                    store.skipped.skip("scorer", StateJson.text(n, "name") + " v" + StateJson.text(n, "version")
                            + " of experiment " + e.experimentId(), String.valueOf(ex));
                    unreadable.computeIfAbsent(e.experimentId(), k -> new ArrayList<>()).add(n);
                    continue;
                }
                names(v.experimentId()).computeIfAbsent(v.name(), k -> new TreeMap<>()).put(v.version(), v);
            }
        }
    }

    private NavigableMap<String, NavigableMap<Integer, ScorerVersion>> names(String experimentId) {
        return registry.computeIfAbsent(experimentId, k -> new TreeMap<>());
    }

    /** Writes an experiment's registry with one change applied; the change is in memory only once written. */
    private void persist(String experimentId, NavigableMap<String, NavigableMap<Integer, ScorerVersion>> next) {
        ArrayNode arr = StateJson.array();
        next.values().forEach(versions -> versions.values().forEach(v -> arr.add(StateJson.scorer(v))));
        unreadable.getOrDefault(experimentId, List.of()).forEach(arr::add);
        FsFiles.writeState(store.experiments.dirOf(experimentId).resolve(STATE_FILE), StateJson.bytes(arr));
        registry.put(experimentId, next);
    }

    private NavigableMap<String, NavigableMap<Integer, ScorerVersion>> copy(String experimentId) {
        NavigableMap<String, NavigableMap<Integer, ScorerVersion>> out = new TreeMap<>();
        names(experimentId).forEach((k, v) -> out.put(k, new TreeMap<>(v)));
        return out;
    }

    @Override
    public ScorerVersion create(ScorerVersion version) {
        StoreArguments.present(version, "create needs a scorer version");
        Revisions.requireNew(version.revision(), "scorer '" + version.name() + "' v" + version.version());
        return store.write(() -> {
            store.requireExperiment(version.experimentId(), "scorer '" + version.name() + "'");
            NavigableMap<Integer, ScorerVersion> versions = names(version.experimentId()).get(version.name());
            int latest = Math.max(versions == null || versions.isEmpty() ? 0 : versions.lastKey(),
                    unreadableLatest(version.experimentId(), version.name()));
            Revisions.checkNextVersion("scorer '" + version.name() + "' in experiment " + version.experimentId(),
                    latest, version.version());
            NavigableMap<String, NavigableMap<Integer, ScorerVersion>> next = copy(version.experimentId());
            next.computeIfAbsent(version.name(), k -> new TreeMap<>()).put(version.version(), version);
            persist(version.experimentId(), next);
            return version;
        });
    }

    @Override
    public ScorerVersion update(ScorerVersion updated) {
        StoreArguments.present(updated, "update needs a scorer version");
        return store.write(() -> {
            NavigableMap<Integer, ScorerVersion> versions = store.experiments.getLocked(updated.experimentId()) == null
                    ? null : names(updated.experimentId()).get(updated.name());
            ScorerVersion current = versions == null ? null : versions.get(updated.version());
            Revisions.checkUpdate("scorer '" + updated.name() + "' version " + updated.version() + " in experiment "
                    + updated.experimentId(), current == null ? null : (long) current.revision(), updated.revision());
            NavigableMap<String, NavigableMap<Integer, ScorerVersion>> next = copy(updated.experimentId());
            next.get(updated.name()).put(updated.version(), updated);
            persist(updated.experimentId(), next);
            return updated;
        });
    }

    @Override
    public Optional<ScorerVersion> get(String experimentId, String name, int version) {
        return store.read(() -> {
            NavigableMap<Integer, ScorerVersion> versions = versionsLocked(experimentId, name);
            return Optional.ofNullable(versions == null ? null : versions.get(version));
        });
    }

    @Override
    public Optional<ScorerVersion> latest(String experimentId, String name) {
        return store.read(() -> {
            NavigableMap<Integer, ScorerVersion> versions = versionsLocked(experimentId, name);
            return versions == null || versions.isEmpty() ? Optional.empty()
                    : Optional.of(versions.lastEntry().getValue());
        });
    }

    private NavigableMap<Integer, ScorerVersion> versionsLocked(String experimentId, String name) {
        if (experimentId == null || name == null) {
            return null;
        }
        NavigableMap<String, NavigableMap<Integer, ScorerVersion>> names = registry.get(experimentId);
        return names == null ? null : names.get(name);
    }

    @Override
    public List<ScorerVersion> list(String experimentId) {
        return store.read(() -> {
            NavigableMap<String, NavigableMap<Integer, ScorerVersion>> names =
                    experimentId == null ? null : registry.get(experimentId);
            List<ScorerVersion> out = new ArrayList<>();
            if (names != null) {
                names.values().forEach(v -> out.addAll(v.values()));
            }
            return List.copyOf(out);
        });
    }

    /** @return the highest version number among the unreadable records of a name, 0 if none */
    private int unreadableLatest(String experimentId, String name) {
        int max = 0;
        for (JsonNode n : unreadable.getOrDefault(experimentId, List.of())) {
            if (name.equals(StateJson.text(n, "name")) && n.path("version").canConvertToInt()) {
                max = Math.max(max, n.path("version").asInt());
            }
        }
        return max;
    }

    @Override
    public int delete(String experimentId, String name) {
        return store.write(() -> {
            NavigableMap<Integer, ScorerVersion> versions = versionsLocked(experimentId, name);
            List<JsonNode> bad = unreadable.getOrDefault(experimentId, List.of());
            int unreadableOfName = (int) bad.stream().filter(n -> name != null
                    && name.equals(StateJson.text(n, "name"))).count();
            if ((versions == null || versions.isEmpty()) && unreadableOfName == 0) {
                return 0;
            }
            int n = (versions == null ? 0 : versions.size()) + unreadableOfName;
            List<JsonNode> kept = new ArrayList<>(bad);
            kept.removeIf(x -> name.equals(StateJson.text(x, "name")));
            unreadable.put(experimentId, kept);
            NavigableMap<String, NavigableMap<Integer, ScorerVersion>> next = copy(experimentId);
            next.remove(name);
            try {
                persist(experimentId, next);
            } catch (RuntimeException e) {
                unreadable.put(experimentId, bad); // not written: the unreadable records stay as they are
                throw e;
            }
            return n;
        });
    }

    @Override
    public boolean delete(String experimentId, String name, int version) {
        return store.write(() -> {
            NavigableMap<Integer, ScorerVersion> versions = versionsLocked(experimentId, name);
            if (versions == null || !versions.containsKey(version)) {
                return deleteUnreadable(experimentId, name, version);
            }
            NavigableMap<String, NavigableMap<Integer, ScorerVersion>> next = copy(experimentId);
            next.get(name).remove(version);
            if (next.get(name).isEmpty()) {
                next.remove(name);
            }
            persist(experimentId, next);
            return true;
        });
    }

    /** Deletes an unreadable record of one version, if there is one; under the write lock. */
    private boolean deleteUnreadable(String experimentId, String name, int version) {
        List<JsonNode> bad = unreadable.getOrDefault(experimentId, List.of());
        List<JsonNode> kept = new ArrayList<>(bad);
        kept.removeIf(n -> name != null && name.equals(StateJson.text(n, "name"))
                && n.path("version").canConvertToInt() && n.path("version").asInt() == version);
        if (kept.size() == bad.size()) {
            return false;
        }
        unreadable.put(experimentId, kept);
        try {
            persist(experimentId, copy(experimentId));
        } catch (RuntimeException e) {
            unreadable.put(experimentId, bad);
            throw e;
        }
        return true;
    }
}
