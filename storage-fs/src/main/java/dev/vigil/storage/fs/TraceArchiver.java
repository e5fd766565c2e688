package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Trace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives traces with their assessments to gzip JSON Lines, one file per experiment and UTC day:
 * {@code <target>/experiment=<id>/date=<yyyy-MM-dd>/traces.jsonl.gz}. A day file that exists is extended by
 * a new gzip member (concatenated members are one valid gzip stream for {@code zcat} and every gzip reader),
 * written to a copy that then replaces the file atomically, so a crash never leaves a damaged archive. Trace ids
 * already in a day file are not written again.
 */
final class TraceArchiver {
    private static final Logger LOG = LoggerFactory.getLogger(TraceArchiver.class);
    static final String FILE_NAME = "traces.jsonl.gz";
    /** Traces read from the store per lock hold. */
    private static final int CHUNK = 256;

    private record Continuous(Path target, long afterSequence) {}

    private final FileStore store;
    private final Object archiveMutex = new Object();
    private final Map<String, Continuous> continuous = new LinkedHashMap<>();

    TraceArchiver(FileStore store) {
        this.store = store;
    }

    private Path stateFile() {
        return store.stateDir().resolve("archival.state");
    }

    void load() {
        JsonNode n = FsFiles.readStateJson(stateFile());
        if (n != null) {
            n.properties().forEach(e -> continuous.put(e.getKey(), new Continuous(
                    Path.of(e.getValue().get("target").asText()), e.getValue().get("after_sequence").asLong())));
        }
    }

    private void persist(Map<String, Continuous> next) {
        ObjectNode o = StateJson.F.objectNode();
        next.forEach((id, c) -> {
            ObjectNode e = o.putObject(id);
            e.put("target", c.target().toString());
            e.put("after_sequence", c.afterSequence());
        });
        FsFiles.writeState(stateFile(), StateJson.bytes(o));
    }

    void enable(String experimentId, Path target) {
        if (target == null) {
            throw new InvalidInputException("continuous archival needs a target directory");
        }
        Path abs = target.toAbsolutePath().normalize();
        synchronized (archiveMutex) {
            store.write(() -> {
                store.requireExperiment(experimentId, "continuous archival");
                Map<String, Continuous> next = new LinkedHashMap<>(continuous);
                Continuous old = next.get(experimentId);
                next.put(experimentId, new Continuous(abs, old != null && old.target().equals(abs)
                        ? old.afterSequence() : 0));
                persist(next);
                continuous.clear();
                continuous.putAll(next);
                return null;
            });
        }
    }

    void disable(String experimentId) {
        synchronized (archiveMutex) {
            store.write(() -> {
                if (continuous.containsKey(experimentId)) {
                    Map<String, Continuous> next = new LinkedHashMap<>(continuous);
                    next.remove(experimentId);
                    persist(next);
                    continuous.remove(experimentId);
                }
                return null;
            });
        }
    }

    Map<String, Path> enabled() {
        return store.read(() -> {
            Map<String, Path> out = new LinkedHashMap<>();
            continuous.forEach((k, v) -> out.put(k, v.target()));
            return Map.copyOf(out);
        });
    }

    void runQuietly() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.error("continuous archival of {} failed; it is retried at the next run", store.uri, e);
        }
    }

    /**
     * One pass: per enabled experiment, the traces that arrived since the last pass and whose request time is
     * older than the settle time, in arrival order up to the first that is too young.
     */
    List<ArchiveResult> runOnce() {
        synchronized (archiveMutex) {
            Map<String, Continuous> todo = store.read(() -> new LinkedHashMap<>(continuous));
            List<ArchiveResult> results = new ArrayList<>();
            for (Map.Entry<String, Continuous> e : todo.entrySet()) {
                String experimentId = e.getKey();
                Continuous c = e.getValue();
                Instant cutoff = store.now().minus(store.options.archiveSettle());
                long[] upTo = {c.afterSequence()};
                List<TraceRef> refs = store.read(() -> {
                    List<TraceRef> out = new ArrayList<>();
                    for (TraceRef ref : store.traces.arrivalsLocked(c.afterSequence()).values()) {
                        if (!ref.experimentId().equals(experimentId)) {
                            continue;
                        }
                        if (!ref.requestTime().isBefore(cutoff)) {
                            break;
                        }
                        out.add(ref);
                        upTo[0] = ref.sequence();
                    }
                    return out;
                });
                results.add(write(experimentId, c.target(), refs));
                store.write(() -> {
                    Continuous now = continuous.get(experimentId);
                    if (now != null && now.target().equals(c.target()) && upTo[0] > now.afterSequence()) {
                        Map<String, Continuous> next = new LinkedHashMap<>(continuous);
                        next.put(experimentId, new Continuous(c.target(), upTo[0]));
                        persist(next);
                        continuous.put(experimentId, next.get(experimentId));
                    }
                    return null;
                });
            }
            return results;
        }
    }

    ArchiveResult archive(String experimentId, Path target, Instant from, Instant to) {
        if (target == null || from == null || to == null) {
            throw new InvalidInputException("archive needs a target directory and a time range");
        }
        if (to.isBefore(from)) {
            throw new InvalidInputException("time range ends (" + to + ") before it starts (" + from + ")");
        }
        synchronized (archiveMutex) {
            List<TraceRef> refs = store.read(() -> {
                store.requireExperiment(experimentId, "the archive");
                return new ArrayList<>(store.traces.rangeLocked(experimentId, from, to).values());
            });
            return write(experimentId, target.toAbsolutePath().normalize(), refs);
        }
    }

    ArchiveResult archiveToJdbc(String experimentId, String jdbcUrl, Instant from, Instant to) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            throw new InvalidInputException("a JDBC archive target is a jdbc: URL, got '"
                    + (jdbcUrl == null ? null : JdbcArchive.masked(jdbcUrl)) + "'");
        }
        if (from == null || to == null || to.isBefore(from)) {
            throw new InvalidInputException("archive needs a time range that does not end before it starts");
        }
        synchronized (archiveMutex) {
            List<TraceRef> refs = store.read(() -> {
                store.requireExperiment(experimentId, "the archive");
                return new ArrayList<>(store.traces.rangeLocked(experimentId, from, to).values());
            });
            return JdbcArchive.write(jdbcUrl, experimentId, refs, this::load);
        }
    }

    /** Reads traces with their current assessments, one lock hold per call. */
    private List<Trace> load(List<TraceRef> refs) {
        return store.read(() -> {
            List<Trace> out = new ArrayList<>(refs.size());
            for (TraceRef ref : refs) {
                TraceRef current = store.traces.refLocked(ref.traceId());
                Trace t = store.traces.loadLocked(current != null ? current : ref);
                if (t != null) { // an unreadable record is logged and skipped, the rest archived
                    out.add(t);
                }
            }
            return out;
        });
    }

    private ArchiveResult write(String experimentId, Path target, List<TraceRef> refs) {
        Map<LocalDate, List<TraceRef>> byDay = new TreeMap<>();
        for (TraceRef ref : refs) {
            byDay.computeIfAbsent(LocalDate.ofInstant(ref.requestTime(), ZoneOffset.UTC), d -> new ArrayList<>())
                    .add(ref);
        }
        long written = 0;
        long skipped = 0;
        List<Path> files = new ArrayList<>();
        for (Map.Entry<LocalDate, List<TraceRef>> day : byDay.entrySet()) {
            // experiment ids are generated by the store (digits only): safe as a directory name
            Path file = target.resolve("experiment=" + experimentId).resolve("date=" + day.getKey())
                    .resolve(FILE_NAME);
            Set<String> present = archivedIds(file);
            List<TraceRef> fresh = new ArrayList<>();
            for (TraceRef ref : day.getValue()) {
                if (present.add(ref.traceId())) {
                    fresh.add(ref);
                } else {
                    skipped++;
                }
            }
            if (fresh.isEmpty()) {
                continue;
            }
            fresh.sort((a, b) -> a.key().compareTo(b.key()));
            appendMember(file, fresh);
            written += fresh.size();
            files.add(file);
        }
        return new ArchiveResult(experimentId, written, skipped, files);
    }

    /** The trace ids in a day file (empty if there is none). */
    private static Set<String> archivedIds(Path file) {
        Set<String> ids = new HashSet<>();
        if (!Files.exists(file)) {
            return ids;
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode info = Json.readTree(line).get("info");
                JsonNode id = info == null ? null : info.get("trace_id");
                if (id == null) {
                    throw new StoreException("archive file " + file + " line " + lineNo + " is not an MLflow trace "
                            + "(no info.trace_id); not appending to it");
                }
                ids.add(id.asText());
            }
            return ids;
        } catch (IOException | InvalidInputException e) {
            throw new StoreException("cannot read the existing archive file " + file + " (" + e.getMessage()
                    + "); not appending to it", e);
        }
    }

    /** Writes the traces as a new gzip member after the file's bytes, replacing the file atomically. */
    private void appendMember(Path file, List<TraceRef> refs) {
        Path tmp = file.resolveSibling(FILE_NAME + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (Files.exists(file)) {
                    try (FileChannel old = FileChannel.open(file, StandardOpenOption.READ)) {
                        long size = old.size();
                        long done = 0;
                        while (done < size) {
                            done += old.transferTo(done, size - done, ch);
                        }
                    }
                }
                OutputStream raw = Channels.newOutputStream(ch);
                GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16);
                Writer w = new OutputStreamWriter(gz, StandardCharsets.UTF_8);
                for (int i = 0; i < refs.size(); i += CHUNK) {
                    List<TraceRef> chunk = refs.subList(i, Math.min(refs.size(), i + CHUNK));
                    List<Trace> traces = load(chunk);
                    for (Trace t : traces) {
                        w.write(MlflowJson.writeTrace(t));
                        w.write('\n');
                    }
                }
                w.flush();
                gz.finish();
                gz.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            FsFiles.fsyncDirectory(file.getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray temp file in the archive is harmless
            }
            throw new StoreException("cannot write the archive file " + file + ": " + e, e);
        }
    }
}
