package dev.vigil.storage.jdbc;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDBC store in rows per second, each operation beside its reference in the same run:
 * <ul>
 *   <li>{@code insertTraces}: {@link JdbcStore} writes batches of 1000 small new traces (one span, two tags, one
 *       metadata entry); reference {@code insertTracesRawJdbc}: the same traces as JSON in a two-column table with
 *       one JDBC batch, the hand-written lower bound;</li>
 *   <li>{@code insertTraceRowsRawJdbc}: a second insert reference, the same five rows per trace into the store's
 *       own tables with plain JDBC batches (what the schema costs without the store's code);</li>
 *   <li>{@code upsertFeedback}: 1000 scorer feedbacks per batch, idempotent upsert (mostly replacements);
 *       reference {@code insertFeedbackRawJdbc}: the same rows as JSON, plain batch insert;</li>
 *   <li>{@code scanFiltered}: a 4000-trace time range of which 1000 match {@code tags.env = 'prod' AND
 *       attributes.status = 'OK'}, pushed down to SQL; reference {@code scanThenPredicate}: the same range read
 *       without a filter and filtered in Java with the same compiled predicate (what a store without pushdown
 *       does). Both count the 1000 matching rows as the operations.</li>
 * </ul>
 * PostgreSQL is the embedded server of the storage-jdbc tests (zonky's binaries), H2 and SQLite are files.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class JdbcStoreBenchmark {

    static final int BATCH = 1000;
    static final int SCAN_TRACES = 10_000;
    static final String FILTER = "tags.env = 'prod' AND attributes.status = 'OK'";

    @Param({"h2", "sqlite", "postgres"})
    public String dialect;

    private JdbcStore store;
    private Connection raw;
    private String insertExperiment;
    private String scanExperiment;
    private long nextId;
    private long rawSeq;
    private int upsertRound;
    private List<Trace> batch;
    private List<Assessment> feedback;
    private final TraceFilter filter = TraceFilter.parse(FILTER);

    @Setup(Level.Trial)
    public void open() throws Exception {
        String url = switch (dialect) {
            case "h2" -> "jdbc:h2:file:" + Files.createTempDirectory("vigil-bench-h2") + "/vigil";
            case "sqlite" -> "jdbc:sqlite:" + Files.createTempDirectory("vigil-bench-sqlite") + "/vigil.db";
            case "postgres" -> TestPostgres.shared().newDatabase();
            default -> throw new IllegalArgumentException("dialect h2, sqlite or postgres, got " + dialect);
        };
        store = JdbcStore.open(url, new StoreOptions(Clock.systemUTC(), Map.of("pool.size", "4")));
        raw = DriverManager.getConnection(url);
        String text = dialect.equals("h2") ? "VARCHAR(1000000000)" : "TEXT";
        try (Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE bench_raw (trace_id VARCHAR(64) PRIMARY KEY, body " + text + ")");
            s.execute("CREATE TABLE bench_raw_feedback (id VARCHAR(64) PRIMARY KEY, trace_id VARCHAR(64), body "
                    + text + ")");
        }
        insertExperiment = store.experiments().getOrCreate("insert").experimentId();
        scanExperiment = store.experiments().getOrCreate("scan").experimentId();
        List<Trace> scanData = new ArrayList<>(SCAN_TRACES);
        for (int i = 0; i < SCAN_TRACES; i++) {
            scanData.add(trace(scanExperiment, String.format("tr-scan-%06d", i), i,
                    i % 2 == 0 ? "prod" : "dev", i % 4 < 2 ? TraceState.OK : TraceState.ERROR));
        }
        for (int i = 0; i < SCAN_TRACES; i += BATCH) {
            store.traces().put(scanData.subList(i, i + BATCH));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        raw.close();
        store.close();
    }

    @Setup(Level.Invocation)
    public void nextBatch() {
        batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            long id = nextId++;
            batch.add(trace(insertExperiment, "tr-" + id, 1_000_000_000L + id, "prod", TraceState.OK));
        }
        feedback = new ArrayList<>(BATCH);
        int round = upsertRound++;
        for (int i = 0; i < BATCH; i++) {
            feedback.add(Assessment.builder().name("relevance").traceId(String.format("tr-scan-%06d", i))
                    .source(AssessmentSource.code("relevance")).createTime(Instant.ofEpochMilli(round))
                    .feedback((round + i) % 5 / 4.0).metadata(Assessment.METADATA_SCORER_NAME, "relevance")
                    .metadata(Assessment.METADATA_SCORER_VERSION, "1").build());
        }
    }

    static Trace trace(String experimentId, String id, long timeMs, String env, TraceState state) {
        long start = timeMs * 1_000_000L;
        Span root = Span.builder().traceId(id).spanId("00000000000000a1").name("chat").spanType(SpanTypes.CHAIN)
                .startTimeUnixNano(start).endTimeUnixNano(start + 5_000_000L).status(SpanStatus.OK)
                .inputs(Map.of("question", "what is vigil?")).outputs("a monitor").build();
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(experimentId)
                .requestTime(Instant.ofEpochMilli(timeMs)).executionDurationMs(5L).state(state)
                .tag("env", env).tag("mlflow.traceName", "chat").traceMetadata("mlflow.user", "u1").build();
        return new Trace(info, List.of(root));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void insertTraces() {
        store.traces().put(batch);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void insertTracesRawJdbc() throws SQLException {
        raw.setAutoCommit(false);
        try (PreparedStatement ps = raw.prepareStatement("INSERT INTO bench_raw (trace_id, body) VALUES (?, ?)")) {
            for (Trace t : batch) {
                ps.setString(1, t.traceId());
                ps.setString(2, MlflowJson.writeTrace(t));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        raw.commit();
        raw.setAutoCommit(true);
    }

    /**
     * A second reference for the insert: the same five rows per trace the store writes (trace, two tags, one
     * metadata entry, one span), into the store's own tables and indexes, with plain JDBC batches of single-row
     * inserts and nothing else (no validation, no limits, no sequence counter: negative sequence numbers keep
     * clear of the store's). It separates what the schema costs from what the store's code costs.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void insertTraceRowsRawJdbc() throws SQLException {
        raw.setAutoCommit(false);
        try (PreparedStatement tr = raw.prepareStatement("INSERT INTO traces (experiment_id, seq, request_ms, "
                + "request_sub_ns, duration_ms, end_ms, state, client_request_id, trace_name, run_id, body, trace_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement tags = raw.prepareStatement(
                        "INSERT INTO trace_tags (trace_id, tag_key, tag_value) VALUES (?, ?, ?)");
                PreparedStatement md = raw.prepareStatement(
                        "INSERT INTO trace_metadata (trace_id, md_key, md_value) VALUES (?, ?, ?)");
                PreparedStatement spans = raw.prepareStatement("INSERT INTO trace_spans "
                        + "(trace_id, span_no, span_name, span_type, span_status) VALUES (?, ?, ?, ?, ?)")) {
            for (Trace t : batch) {
                String id = "raw-" + t.traceId();
                TraceInfo info = t.info();
                long ms = info.requestTime().toEpochMilli();
                tr.setString(1, info.experimentId());
                tr.setLong(2, -(++rawSeq));
                tr.setLong(3, ms);
                tr.setInt(4, 0);
                tr.setLong(5, info.executionDurationMs());
                tr.setLong(6, ms + info.executionDurationMs());
                tr.setString(7, info.state().name());
                tr.setString(8, info.clientRequestId());
                tr.setString(9, info.tags().get("mlflow.traceName"));
                tr.setString(10, null);
                tr.setString(11, MlflowJson.writeTrace(t));
                tr.setString(12, id);
                tr.addBatch();
                for (Map.Entry<String, String> e : info.tags().entrySet()) {
                    tags.setString(1, id);
                    tags.setString(2, e.getKey());
                    tags.setString(3, e.getValue());
                    tags.addBatch();
                }
                for (Map.Entry<String, String> e : info.traceMetadata().entrySet()) {
                    md.setString(1, id);
                    md.setString(2, e.getKey());
                    md.setString(3, e.getValue());
                    md.addBatch();
                }
                int no = 0;
                for (Span sp : t.spans()) {
                    spans.setString(1, id);
                    spans.setInt(2, no++);
                    spans.setString(3, sp.name());
                    spans.setString(4, sp.spanType());
                    spans.setString(5, sp.status().code().name());
                    spans.addBatch();
                }
            }
            tr.executeBatch();
            tags.executeBatch();
            md.executeBatch();
            spans.executeBatch();
        }
        raw.commit();
        raw.setAutoCommit(true);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<Assessment> upsertFeedback() {
        return store.assessments().upsertScorerFeedback(feedback);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void insertFeedbackRawJdbc() throws SQLException {
        raw.setAutoCommit(false);
        try (PreparedStatement ps = raw.prepareStatement(
                "INSERT INTO bench_raw_feedback (id, trace_id, body) VALUES (?, ?, ?)")) {
            long base = (long) upsertRound * BATCH;
            for (int i = 0; i < feedback.size(); i++) {
                Assessment a = feedback.get(i);
                ps.setString(1, "a-" + (base + i));
                ps.setString(2, a.traceId());
                ps.setString(3, MlflowJson.writeAssessment(a));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        raw.commit();
        raw.setAutoCommit(true);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int scanFiltered() {
        return scanRange(new TraceQuery(scanExperiment, Instant.EPOCH, Instant.ofEpochMilli(4 * BATCH),
                filter.expr()), false);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int scanThenPredicate() {
        return scanRange(new TraceQuery(scanExperiment, Instant.EPOCH, Instant.ofEpochMilli(4 * BATCH), null), true);
    }

    private int scanRange(TraceQuery q, boolean filterInJava) {
        int matched = 0;
        String token = null;
        do {
            TracePage page = store.traces().scan(q, token, BATCH);
            for (Trace t : page.traces()) {
                if (!filterInJava || filter.test(t)) {
                    matched++;
                }
            }
            token = page.nextPageToken();
        } while (token != null);
        if (matched != BATCH) {
            throw new IllegalStateException("expected " + BATCH + " matching traces, got " + matched);
        }
        return matched;
    }

}
