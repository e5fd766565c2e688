package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.MonitorStore;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.StoredMonitor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Monitors and their history: per experiment, in {@code experiments/<id>/monitors.state}, rewritten atomically
 * (temp file, fsync, rename) on every change. The newest {@value #MAX_HISTORY} transitions of each monitor are
 * kept.
 */
final class FsMonitorStore implements MonitorStore {
    static final String STATE_FILE = "monitors.state";
    /** Transitions kept per monitor; older ones are dropped when a new one is written. */
    static final int MAX_HISTORY = 1000;

    private final FileStore store;
    /** experiment id → state. */
    private final Map<String, State> byExperiment = new HashMap<>();

    /** An experiment's monitors (name → version → record) and histories (name → oldest first). */
    private record State(NavigableMap<String, NavigableMap<Integer, StoredMonitor>> monitors,
            Map<String, List<MonitorTransition>> history) {
        State copy() {
            NavigableMap<String, NavigableMap<Integer, StoredMonitor>> m = new TreeMap<>();
            monitors.forEach((k, v) -> m.put(k, new TreeMap<>(v)));
            Map<String, List<MonitorTransition>> h = new HashMap<>();
            history.forEach((k, v) -> h.put(k, new ArrayList<>(v)));
            return new State(m, h);
        }
    }

    FsMonitorStore(FileStore store) {
        this.store = store;
    }

    void load() {
        for (Experiment e : store.experiments.listLocked()) {
            JsonNode node = FsFiles.readStateJson(store.experiments.dirOf(e.experimentId()).resolve(STATE_FILE));
            if (node == null) {
                continue;
            }
            State s = state(e.experimentId());
            for (JsonNode m : node.path("monitors")) {
                StoredMonitor sm = new StoredMonitor(m.get("experiment_id").asText(), m.get("name").asText(),
                        m.get("version").asInt(), m.get("definition").asText(),
                        Instant.parse(m.get("created_at").asText()));
                s.monitors().computeIfAbsent(sm.name(), k -> new TreeMap<>()).put(sm.version(), sm);
            }
            for (JsonNode t : node.path("transitions")) {
                MonitorTransition mt = transition(t);
                s.history().computeIfAbsent(mt.monitorName(), k -> new ArrayList<>()).add(mt);
            }
        }
    }

    private State state(String experimentId) {
        return byExperiment.computeIfAbsent(experimentId, k -> new State(new TreeMap<>(), new HashMap<>()));
    }

    private void persist(String experimentId, State next) {
        List<Object> monitors = new ArrayList<>();
        next.monitors().values().forEach(vs -> vs.values().forEach(m -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("experiment_id", m.experimentId());
            o.put("name", m.name());
            o.put("version", m.version());
            o.put("definition", m.definitionJson());
            o.put("created_at", m.createdAt().toString());
            monitors.add(o);
        }));
        List<Object> transitions = new ArrayList<>();
        next.history().values().forEach(h -> h.forEach(t -> transitions.add(map(t))));
        Path file = store.experiments.dirOf(experimentId).resolve(STATE_FILE);
        FsFiles.writeState(file, Json.write(Map.of("monitors", monitors, "transitions", transitions))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byExperiment.put(experimentId, next);
    }

    private static Map<String, Object> map(MonitorTransition t) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", t.id());
        o.put("experiment_id", t.experimentId());
        o.put("monitor", t.monitorName());
        o.put("monitor_version", t.monitorVersion());
        o.put("at", t.at().toString());
        o.put("from", t.from());
        o.put("to", t.to());
        o.put("value", Double.isFinite(t.value()) ? t.value() : null);
        o.put("low", Double.isFinite(t.low()) ? t.low() : null);
        o.put("high", Double.isFinite(t.high()) ? t.high() : null);
        o.put("sample_size", t.sampleSize());
        o.put("window_start", t.windowStart().toString());
        o.put("window_end", t.windowEnd().toString());
        o.put("trace_ids", t.traceIds());
        return o;
    }

    private static double num(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    private static MonitorTransition transition(JsonNode t) {
        List<String> ids = new ArrayList<>();
        t.path("trace_ids").forEach(x -> ids.add(x.asText()));
        return new MonitorTransition(t.get("id").asText(), t.get("experiment_id").asText(), t.get("monitor").asText(),
                t.get("monitor_version").asInt(), Instant.parse(t.get("at").asText()), t.get("from").asText(),
                t.get("to").asText(), num(t.get("value")), num(t.get("low")), num(t.get("high")),
                t.get("sample_size").asLong(), Instant.parse(t.get("window_start").asText()),
                Instant.parse(t.get("window_end").asText()), ids);
    }

    @Override
    public StoredMonitor create(StoredMonitor m) {
        if (m == null) {
            throw new InvalidInputException("create needs a monitor, got null");
        }
        return store.write(() -> {
            store.requireExperiment(m.experimentId(), "monitor '" + m.name() + "'");
            NavigableMap<Integer, StoredMonitor> versions = state(m.experimentId()).monitors().get(m.name());
            int latest = versions == null || versions.isEmpty() ? 0 : versions.lastKey();
            if (m.version() <= latest) {
                throw new StaleWriteException("monitor '" + m.name() + "' already has version " + latest
                        + "; cannot create version " + m.version() + "; the next version is " + (latest + 1));
            }
            if (m.version() != latest + 1) {
                throw new InvalidInputException("monitor '" + m.name() + "' is at version " + latest
                        + "; the next version is " + (latest + 1) + ", not " + m.version());
            }
            State next = state(m.experimentId()).copy();
            next.monitors().computeIfAbsent(m.name(), k -> new TreeMap<>()).put(m.version(), m);
            persist(m.experimentId(), next);
            return m;
        });
    }

    @Override
    public Optional<StoredMonitor> latest(String experimentId, String name) {
        return store.read(() -> {
            State s = byExperiment.get(experimentId);
            NavigableMap<Integer, StoredMonitor> v = s == null ? null : s.monitors().get(name);
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.lastEntry().getValue());
        });
    }

    @Override
    public List<StoredMonitor> list(String experimentId) {
        return store.read(() -> {
            State s = byExperiment.get(experimentId);
            List<StoredMonitor> out = new ArrayList<>();
            if (s != null) {
                s.monitors().values().forEach(v -> out.add(v.lastEntry().getValue()));
            }
            return List.copyOf(out);
        });
    }

    @Override
    public int delete(String experimentId, String name) {
        return store.write(() -> {
            State s = byExperiment.get(experimentId);
            if (s == null || (!s.monitors().containsKey(name) && !s.history().containsKey(name))) {
                return 0;
            }
            State next = s.copy();
            NavigableMap<Integer, StoredMonitor> removed = next.monitors().remove(name);
            next.history().remove(name);
            persist(experimentId, next);
            return removed == null ? 0 : removed.size();
        });
    }

    @Override
    public boolean appendTransition(MonitorTransition t) {
        if (t == null) {
            throw new InvalidInputException("appendTransition needs a transition, got null");
        }
        return store.write(() -> {
            store.requireExperiment(t.experimentId(), "monitor transition " + t.id());
            State s = state(t.experimentId());
            for (List<MonitorTransition> h : s.history().values()) {
                for (MonitorTransition x : h) {
                    if (x.id().equals(t.id())) {
                        return false;
                    }
                }
            }
            State next = s.copy();
            List<MonitorTransition> h = next.history().computeIfAbsent(t.monitorName(), k -> new ArrayList<>());
            h.add(t);
            if (h.size() > MAX_HISTORY) {
                h.subList(0, h.size() - MAX_HISTORY).clear();
            }
            persist(t.experimentId(), next);
            return true;
        });
    }

    @Override
    public List<MonitorTransition> history(String experimentId, String name, int limit) {
        if (limit < 1) {
            throw new InvalidInputException("history limit must be 1 or more, got " + limit);
        }
        return store.read(() -> {
            State s = byExperiment.get(experimentId);
            List<MonitorTransition> h = s == null ? List.of() : s.history().getOrDefault(name, List.of());
            List<MonitorTransition> out = new ArrayList<>();
            for (int i = h.size() - 1; i >= 0 && out.size() < limit; i--) {
                out.add(h.get(i));
            }
            return List.copyOf(out);
        });
    }
}
