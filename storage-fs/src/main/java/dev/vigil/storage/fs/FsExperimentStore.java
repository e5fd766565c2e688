package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.ExperimentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Experiments: each in {@code experiments/<id>/}, its id generated ("1", "2", ... as MLflow numbers them), so
 * a name — whatever characters it holds — never becomes a path.
 */
final class FsExperimentStore implements ExperimentStore {
    static final String STATE_FILE = "experiment.state";

    private final FileStore store;
    private final Map<String, Experiment> byId = new LinkedHashMap<>();
    private final Map<String, Experiment> byName = new HashMap<>();
    private long nextId = 1;

    FsExperimentStore(FileStore store) {
        this.store = store;
    }

    void load(RecoveryReport.Builder report) {
        Path dir = store.experimentsDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(dir)) {
            for (Path p : (Iterable<Path>) dirs::iterator) {
                String name = p.getFileName().toString();
                if (!name.matches("[1-9][0-9]{0,17}") || !Files.isDirectory(p)) {
                    continue;
                }
                Path state = p.resolve(STATE_FILE);
                if (!Files.exists(state)) {
                    // created by getOrCreate, which crashed before writing the experiment: never acknowledged
                    if (!store.options.readOnly() && isEmptyTree(p)) {
                        report.add(RecoveryReport.Kind.LEFTOVER_TEMP_FILE, p, -1,
                                "removed an experiment directory whose creation did not finish");
                        deleteTree(p);
                    } else {
                        report.add(RecoveryReport.Kind.CORRUPT, p, -1, "experiment directory without "
                                + STATE_FILE + "; its contents are ignored");
                    }
                    continue;
                }
                ids.add(Long.parseLong(name));
            }
        } catch (IOException e) {
            throw new StoreException("cannot list " + dir + ": " + e, e);
        }
        ids.sort(null);
        for (long id : ids) {
            Path p = dir.resolve(Long.toString(id));
            if (!store.options.readOnly()) {
                FsFiles.removeTempFiles(p, report);
            }
            JsonNode n = FsFiles.readStateJson(p.resolve(STATE_FILE));
            Experiment e = StateJson.experiment(n);
            if (!e.experimentId().equals(Long.toString(id))) {
                throw new StoreException(p.resolve(STATE_FILE) + " holds experiment " + e.experimentId()
                        + " but lies in directory " + id);
            }
            byId.put(e.experimentId(), e);
            byName.put(e.name(), e);
            nextId = Math.max(nextId, id + 1);
        }
    }

    private static boolean isEmptyTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            return all.noneMatch(Files::isRegularFile);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    @Override
    public Experiment getOrCreate(String name) {
        Experiment.validateName(name);
        Experiment existing = store.read(() -> byName.get(name));
        if (existing != null) {
            return existing;
        }
        return store.write(() -> {
            Experiment e = byName.get(name);
            if (e != null) {
                return e;
            }
            String id = Long.toString(nextId);
            Experiment created = new Experiment(id, name, store.now());
            Path dir = store.experimentsDir().resolve(id);
            try {
                Files.createDirectories(dir);
                FsFiles.fsyncDirectory(store.experimentsDir());
            } catch (IOException ex) {
                throw new StoreException("cannot create " + dir + " for experiment '" + name + "': " + ex, ex);
            }
            FsFiles.writeState(dir.resolve(STATE_FILE), StateJson.bytes(StateJson.experiment(created)));
            nextId++;
            byId.put(id, created);
            byName.put(name, created);
            return created;
        });
    }

    @Override
    public Optional<Experiment> get(String experimentId) {
        return store.read(() -> Optional.ofNullable(experimentId == null ? null : byId.get(experimentId)));
    }

    @Override
    public Optional<Experiment> findByName(String name) {
        return store.read(() -> Optional.ofNullable(name == null ? null : byName.get(name)));
    }

    @Override
    public List<Experiment> list() {
        return store.read(() -> List.copyOf(byId.values()));
    }

    /** Call under the lock. */
    Experiment getLocked(String experimentId) {
        return experimentId == null ? null : byId.get(experimentId);
    }

    /** Call under the lock. */
    List<Experiment> listLocked() {
        return List.copyOf(byId.values());
    }

    /** @return the directory of an existing experiment (its id was generated by this store) */
    Path dirOf(String experimentId) {
        return store.experimentsDir().resolve(experimentId);
    }
}
