package dev.vigil.storage.fs;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.store.StoreOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of the file store ({@code vigil}: {@code traces().put} of a batch of 100 RAG traces, each
 * about 3 KB of MLflow JSON) against a plain {@link FileChannel} ({@code rawFileChannel}) writing the same JSON
 * bytes of the same batch to the same disk with the same fsync policy: one {@code force} per batch
 * ({@code batch}), or one per 100 ms ({@code interval}). The aux counters {@code traces} and {@code bytes} give
 * traces/s and payload bytes/s (divide by 10^6 for MB/s); the ratio vigil / rawFileChannel is the result.
 * The store's own costs on top of the raw write: MLflow JSON encoding, record framing with CRC32C, the in-memory
 * index, the lock.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FsStoreBenchmark {
    static final int BATCH = 100;
    static final int BATCHES = 50;

    /** The fsync policy, for both sides. */
    @Param({"batch", "interval"})
    public String fsync;

    private Path dir;
    private List<List<Trace>> batches;
    private byte[][] batchBytes;
    private long[] batchJsonBytes;
    private int next;
    private FsStore store;
    private String experimentId;
    private FileChannel raw;
    private long lastRawForce;

    /** Counts traces and payload bytes written, reported per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Written {
        /** Traces appended. */
        public long traces;
        /** Payload (MLflow JSON) bytes appended. */
        public long bytes;
    }

    /** Builds the batches (not measured) in a fresh directory. */
    @Setup(Level.Trial)
    public void build() throws IOException {
        dir = Files.createTempDirectory("vigil-fs-bench");
        batches = new ArrayList<>(BATCHES);
        batchBytes = new byte[BATCHES][];
        batchJsonBytes = new long[BATCHES];
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int b = 0; b < BATCHES; b++) {
            List<Trace> batch = new ArrayList<>(BATCH);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < BATCH; i++) {
                long n = (long) b * BATCH + i;
                Trace t = trace("1", n, t0.plusMillis(n));
                batch.add(t);
                sb.append(MlflowJson.writeTrace(t)).append('\n');
            }
            batches.add(batch);
            batchBytes[b] = sb.toString().getBytes(StandardCharsets.UTF_8);
            batchJsonBytes[b] = batchBytes[b].length;
        }
    }

    /** Opens a new store and a new raw file for each iteration, so both start empty. */
    @Setup(Level.Iteration)
    public void open() throws IOException {
        Path iter = Files.createTempDirectory(dir, "iter");
        store = FsStore.open(iter.resolve("store"), new StoreOptions(Clock.systemUTC(),
                Map.of("fs.fsync", fsync, "fs.archiveIntervalMs", "0")));
        experimentId = store.experiments().getOrCreate("bench").experimentId();
        if (!experimentId.equals("1")) {
            throw new IllegalStateException("a new store numbers its first experiment 1");
        }
        raw = FileChannel.open(iter.resolve("raw.log"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        lastRawForce = System.nanoTime();
        next = 0;
    }

    /** Closes and deletes what the iteration wrote. */
    @TearDown(Level.Iteration)
    public void close() throws IOException {
        store.close();
        raw.close();
        deleteTree(dir, false);
    }

    /** Removes the benchmark directory. */
    @TearDown(Level.Trial)
    public void remove() throws IOException {
        deleteTree(dir, true);
    }

    /** The file store: one batch of 100 traces per call, made durable per the policy. */
    @Benchmark
    public void vigil(Written w) {
        int b = next++ % BATCHES;
        store.traces().put(batches.get(b)); // after the first lap, each put replaces: same bytes appended again
        w.traces += BATCH;
        w.bytes += batchJsonBytes[b];
    }

    /** The reference: the same batch's JSON bytes written with one FileChannel write, same fsync policy. */
    @Benchmark
    public void rawFileChannel(Written w) throws IOException {
        int b = next++ % BATCHES;
        ByteBuffer buf = ByteBuffer.wrap(batchBytes[b]);
        while (buf.hasRemaining()) {
            raw.write(buf);
        }
        if (fsync.equals("batch")) {
            raw.force(false);
        } else if (System.nanoTime() - lastRawForce >= 100_000_000L) {
            raw.force(false);
            lastRawForce = System.nanoTime();
        }
        w.traces += BATCH;
        w.bytes += batchJsonBytes[b];
    }

    private static Trace trace(String experimentId, long n, Instant time) {
        String traceId = String.format("tr-%032x", n);
        long start = time.toEpochMilli() * 1_000_000L;
        Map<String, Object> question = Map.of("messages", List.of(Map.of("role", "user",
                "content", "How do I configure the retry policy of the ingestion service? #" + n)));
        Map<String, Object> answer = Map.of("choices", List.of(Map.of("message", Map.of("role", "assistant",
                "content", "Set ingestion.retry.maxAttempts and ingestion.retry.backoff in the service config."))));
        List<Object> docs = List.of(
                Map.of("page_content", "Retries are configured per service with maxAttempts and backoff.",
                        "metadata", Map.of("doc_uri", "docs/ingestion/retry.md")),
                Map.of("page_content", "Backoff doubles after each attempt up to the cap.",
                        "metadata", Map.of("doc_uri", "docs/ingestion/backoff.md")));
        Span root = new Span(traceId, "00000000000000a1", null, "rag_chain", start, start + 900_000_000L,
                SpanStatus.OK, "CHAIN", question, answer, Map.of(), List.of());
        Span retriever = new Span(traceId, "00000000000000a2", "00000000000000a1", "retrieve", start + 1_000_000L,
                start + 200_000_000L, SpanStatus.OK, "RETRIEVER", Map.of("query", "retry policy"), docs, Map.of(),
                List.of());
        Span llm = new Span(traceId, "00000000000000a3", "00000000000000a1", "chat", start + 210_000_000L,
                start + 890_000_000L, SpanStatus.OK, "CHAT_MODEL", question, answer,
                Map.of("mlflow.chat.tokenUsage", Map.of("input_tokens", 512L, "output_tokens", 48L)), List.of());
        TraceInfo info = TraceInfo.builder().traceId(traceId).experimentId(experimentId).requestTime(time)
                .executionDurationMs(900L).state(TraceState.OK).requestPreview("How do I configure the retry")
                .responsePreview("Set ingestion.retry.maxAttempts").clientRequestId("req-" + n)
                .traceMetadata("mlflow.traceName", "rag_chain").tag("env", "prod").build();
        return new Trace(info, List.of(root, retriever, llm));
    }

    private static void deleteTree(Path root, boolean includingRoot) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                if (includingRoot || !p.equals(root)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
