package dev.vigil.cli.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.otel.OtlpDecoder;
import dev.vigil.otel.OtlpMapper;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads and writes trace files: MLflow trace JSON ({@code {"info", "data"}}, a JSON array of those, an MLflow
 * {@code {"traces": [...]}} search response, or JSON lines of any of these) and OTLP/JSON
 * {@code ExportTraceServiceRequest} files ({@link OtlpMapper}), from single files or whole folders.
 */
public final class TraceFiles {

    /** The file formats an import accepts. */
    public enum Format {
        /** Decide per document: OTLP if it has {@code resourceSpans}, else MLflow. */
        AUTO,
        /** MLflow trace JSON. */
        MLFLOW,
        /** OTLP/JSON trace export. */
        OTLP
    }

    private TraceFiles() {}

    /**
     * @param path a file or a folder (searched recursively for {@code .json}, {@code .jsonl}, {@code .ndjson}, those
     *     gzip compressed ({@code .jsonl.gz}: Vigil's archive layout), and OTLP protobuf {@code .pb}/{@code .binpb})
     * @return the files to read, sorted by path
     * @throws InvalidInputException if the path does not exist or a folder holds no such file
     */
    public static List<Path> list(Path path) {
        if (!Files.exists(path)) {
            throw new InvalidInputException("no such file or folder: " + path);
        }
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> files = walk.filter(Files::isRegularFile).filter(TraceFiles::isTraceFileName).sorted().toList();
            if (files.isEmpty()) {
                throw new InvalidInputException("folder " + path + " holds no .json, .jsonl, .ndjson (or .gz of those), "
                        + ".pb or .binpb file");
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
    }

    private static boolean isTraceFileName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        String plain = n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
        return plain.endsWith(".json") || plain.endsWith(".jsonl") || plain.endsWith(".ndjson") || isOtlpProtobufName(n);
    }

    /** OTLP protobuf files: a binary {@code ExportTraceServiceRequest}, optionally gzip compressed. */
    private static boolean isOtlpProtobufName(String lowerName) {
        return lowerName.endsWith(".pb") || lowerName.endsWith(".binpb") || lowerName.endsWith(".pb.gz")
                || lowerName.endsWith(".binpb.gz");
    }

    private static List<Trace> readOtlpProtobuf(Path file, String lowerName, String experimentId) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            return OtlpMapper.readTraces(new OtlpDecoder(Integer.MAX_VALUE).decode(bytes,
                    OtlpDecoder.Encoding.PROTOBUF, lowerName.endsWith(".gz")), experimentId);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(file + ": " + e.getMessage());
        }
    }

    /**
     * Reads every trace in one file.
     *
     * @param file the file
     * @param format how to read it
     * @param experimentId the experiment the traces are imported into (replaces the one in the file)
     * @return the traces
     * @throws InvalidInputException naming the file (and line, for JSON lines) and what is wrong with it
     */
    public static List<Trace> read(Path file, Format format, String experimentId) {
        String lowerName = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (isOtlpProtobufName(lowerName)) {
            return readOtlpProtobuf(file, lowerName, experimentId);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return read(bytes, lowerName, file.toString(), format, experimentId);
    }

    /**
     * Reads every trace in a stream, e.g. standard input ({@code vigil traces import -}): MLflow trace JSON or
     * OTLP/JSON, a document or JSON lines, gzip compressed or not (told by its first bytes).
     *
     * @param in the stream (not closed)
     * @param shown how to name it in messages, e.g. "standard input"
     * @param format how to read it
     * @param experimentId the experiment the traces are imported into
     * @return the traces
     * @throws InvalidInputException naming the line and what is wrong
     */
    public static List<Trace> read(InputStream in, String shown, Format format, String experimentId) {
        try {
            return read(in.readAllBytes(), "", shown, format, experimentId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + shown, e);
        }
    }

    private static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    private static List<Trace> read(byte[] bytes, String lowerName, String shown, Format format, String experimentId) {
        if (isGzip(bytes)) {
            // a gzip file may hold several members (Vigil's archive appends one per run): read them as one stream
            try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = gz.readAllBytes();
            } catch (IOException e) {
                throw new InvalidInputException(shown + ": not a readable gzip file (" + e.getMessage() + ")");
            }
            lowerName = lowerName.endsWith(".gz") ? lowerName.substring(0, lowerName.length() - 3) : lowerName;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<Trace> out = new ArrayList<>();
        String lower = lowerName;
        Object file = shown;
        boolean lines = lower.endsWith(".jsonl") || lower.endsWith(".ndjson");
        if (!lines) {
            JsonNode root;
            try {
                root = Json.readTree(text);
            } catch (InvalidInputException e) {
                if (!text.strip().startsWith("{") || text.strip().indexOf('\n') < 0) {
                    throw new InvalidInputException(file + ": " + e.getMessage());
                }
                root = null;
                lines = true; // several JSON objects one per line in a .json file
            }
            if (root != null) {
                try {
                    readDocument(root, format, experimentId, out);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(file + ": " + e.getMessage());
                }
                return out;
            }
        }
        String[] rows = text.split("\r?\n");
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].isBlank()) {
                continue;
            }
            try {
                readDocument(Json.readTree(rows[i]), format, experimentId, out);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static void readDocument(JsonNode root, Format format, String experimentId, List<Trace> out) {
        if (root.isArray()) {
            for (JsonNode item : root) {
                readDocument(item, format, experimentId, out);
            }
            return;
        }
        boolean otlp = format == Format.OTLP || (format == Format.AUTO && OtlpMapper.looksLikeOtlp(root));
        if (otlp) {
            out.addAll(OtlpMapper.readTraces(root, experimentId));
            return;
        }
        if (root.isObject() && root.has("traces") && root.get("traces").isArray()) {
            for (JsonNode t : root.get("traces")) {
                out.add(inExperiment(MlflowJson.readTrace(t), experimentId));
            }
            return;
        }
        out.add(inExperiment(MlflowJson.readTrace(root), experimentId));
    }

    /**
     * @param trace a trace
     * @param experimentId an experiment id
     * @return the same trace logged to that experiment
     */
    public static Trace inExperiment(Trace trace, String experimentId) {
        TraceInfo i = trace.info();
        if (i.experimentId().equals(experimentId)) {
            return trace;
        }
        return new Trace(new TraceInfo(i.traceId(), experimentId, i.requestTime(), i.executionDurationMs(), i.state(),
                i.requestPreview(), i.responsePreview(), i.clientRequestId(), i.traceMetadata(), i.tags(),
                i.assessments()), trace.spans());
    }

    /**
     * Writes traces as MLflow trace JSON: a folder gets one {@code <trace_id>.json} per trace, a {@code .json} file
     * a JSON array, a {@code .jsonl} file one trace per line. Files are written to a temporary name and moved into
     * place, so a failed export never leaves a half-written file.
     *
     * @param traces the traces
     * @param out a folder or a file
     * @return the files written
     */
    public static List<Path> write(List<Trace> traces, Path out) {
        String lower = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
                StringBuilder sb = new StringBuilder();
                if (lower.endsWith(".json")) {
                    sb.append("[\n");
                    for (int i = 0; i < traces.size(); i++) {
                        sb.append(MlflowJson.writeTrace(traces.get(i))).append(i + 1 < traces.size() ? ",\n" : "\n");
                    }
                    sb.append("]\n");
                } else {
                    traces.forEach(t -> sb.append(MlflowJson.writeTrace(t)).append('\n'));
                }
                if (out.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(out.toAbsolutePath().getParent());
                }
                atomicWrite(out, sb.toString());
                return List.of(out);
            }
            Files.createDirectories(out);
            List<Path> written = new ArrayList<>();
            for (Trace t : traces) {
                Path f = out.resolve(safeFileName(t.traceId()) + ".json");
                atomicWrite(f, MlflowJson.writeTrace(t) + "\n");
                written.add(f);
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private static String safeFileName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void atomicWrite(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
