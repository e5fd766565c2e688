package dev.vigil.cli.io;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Trace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Archives traces of any store in the layout the file store's archival writes:
 * {@code <target>/experiment=<id>/date=<yyyy-MM-dd>/traces.jsonl.gz}, one MLflow trace JSON (with its assessments)
 * per line. A day file that exists gets a new gzip member (concatenated members read as one stream with
 * {@code zcat}); trace ids already in it are not written again; each file is replaced atomically.
 */
public final class TraceArchive {

    /** The archive file name in each day folder. */
    public static final String FILE_NAME = "traces.jsonl.gz";

    private TraceArchive() {}

    /**
     * @param written traces added
     * @param alreadyArchived traces found in the archive already
     * @param files the day files touched
     */
    public record Result(long written, long alreadyArchived, List<Path> files) {}

    /**
     * @param experimentId the experiment
     * @param traces its traces, with their assessments
     * @param target the archive directory
     * @return what was written
     */
    public static Result archive(String experimentId, List<Trace> traces, Path target) {
        Map<LocalDate, List<Trace>> byDay = new TreeMap<>();
        for (Trace t : traces) {
            byDay.computeIfAbsent(LocalDate.ofInstant(t.info().requestTime(), ZoneOffset.UTC), d -> new ArrayList<>()).add(t);
        }
        long written = 0;
        long already = 0;
        List<Path> files = new ArrayList<>();
        try {
            for (var e : byDay.entrySet()) {
                Path dir = target.resolve("experiment=" + experimentId).resolve("date=" + e.getKey());
                Files.createDirectories(dir);
                Path file = dir.resolve(FILE_NAME);
                Set<String> present = ids(file);
                StringBuilder lines = new StringBuilder();
                for (Trace t : e.getValue()) {
                    if (present.add(t.traceId())) {
                        lines.append(MlflowJson.writeTrace(t)).append('\n');
                        written++;
                    } else {
                        already++;
                    }
                }
                if (lines.isEmpty()) {
                    continue;
                }
                Path tmp = dir.resolve(FILE_NAME + ".tmp");
                if (Files.exists(file)) {
                    Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.deleteIfExists(tmp);
                }
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND))) {
                    out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
                }
                try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                files.add(file);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the archive under " + target + ": " + ex.getMessage(), ex);
        }
        return new Result(written, already, files);
    }

    /**
     * @param file a day file (may be missing)
     * @return the trace ids in it
     */
    public static Set<String> ids(Path file) throws IOException {
        Set<String> ids = new HashSet<>();
        if (!Files.exists(file)) {
            return ids;
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    Object info = ((Map<?, ?>) Json.parse(line)).get("info");
                    if (info instanceof Map<?, ?> m && m.get("trace_id") != null) {
                        ids.add(m.get("trace_id").toString());
                    }
                }
            }
        }
        return ids;
    }
}
