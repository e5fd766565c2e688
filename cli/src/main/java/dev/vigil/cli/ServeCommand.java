package dev.vigil.cli;

import dev.vigil.core.Vigil;
import dev.vigil.kafka.KafkaLagMeters;
import dev.vigil.kafka.KafkaSourceOptions;
import dev.vigil.kafka.KafkaTraceSource;
import dev.vigil.otel.EvaluationEventExporter;
import dev.vigil.otel.TraceAssembler;
import dev.vigil.server.VigilServer;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil serve}: accept OTLP/HTTP traces and score them until Ctrl-C or SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = {
        "Accept live traces over OTLP/HTTP (POST /v1/traces, protobuf or JSON, gzip) from any OpenTelemetry-"
                + "instrumented application, assemble them, and score them with the active scorers, until Ctrl-C or "
                + "SIGTERM (then requests in flight and the scoring work are drained and the store closed).",
        "Point an exporter at it: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:4318/v1/traces"})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", paramLabel = "URI", description = "Where data lives (default ${DEFAULT-VALUE}). Also VIGIL_STORE.",
            defaultValue = "${env:VIGIL_STORE:-" + StoreMixin.DEFAULT_STORE + "}")
    String store;

    @Option(names = "--port", defaultValue = "4318", description = "Port (default ${DEFAULT-VALUE}, OTLP/HTTP's; 0: any free one).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Interface to bind (default: loopback without "
            + "VIGIL_SERVER_TOKEN, all interfaces with it).")
    String host;

    @Option(names = "--experiment-from", paramLabel = "ATTRIBUTE", defaultValue = "service.name",
            description = "Resource attribute naming the experiment when no x-vigil-experiment header does (default ${DEFAULT-VALUE}).")
    String experimentFrom;

    @Option(names = "--quiet-period", paramLabel = "TIME", defaultValue = "2s",
            description = "A trace whose root span ended is scored after no span arrived for this long (default ${DEFAULT-VALUE}).")
    String quietPeriod;

    @Option(names = "--max-trace-age", paramLabel = "TIME", defaultValue = "10m",
            description = "A trace still open after this long is closed as incomplete ERROR (default ${DEFAULT-VALUE}).")
    String maxAge;

    @Option(names = "--max-request-size", paramLabel = "BYTES", defaultValue = "33554432",
            description = "Largest request body, before and after gzip (default ${DEFAULT-VALUE}); larger gets 413.")
    long maxRequestBytes;

    @Option(names = "--max-open-traces", defaultValue = "100000",
            description = "Traces assembled at once before requests get 429 + Retry-After (default ${DEFAULT-VALUE}).")
    int maxOpenTraces;

    @Option(names = "--max-engine-backlog", defaultValue = "10000",
            description = "Engine backlog (scorer runs queued + arrivals not committed) above which requests get 503 + Retry-After (default ${DEFAULT-VALUE}).")
    long maxEngineBacklog;

    @Option(names = "--late-spans", paramLabel = "RULE", defaultValue = "keep",
            description = "Spans arriving after their trace was completed and scored: keep (update the trace, keep its "
                    + "assessments), rescore (update it and score the new version once; the earlier assessments stay "
                    + "as history, no longer valid) or drop (ignore them). Default ${DEFAULT-VALUE}.")
    String lateSpans;

    @Option(names = "--export-otlp", paramLabel = "URL",
            description = "Also send every assessment as a gen_ai.evaluation.result OpenTelemetry event to this OTLP/HTTP endpoint.")
    String exportOtlp;

    @Option(names = "--no-dashboard", description = "Serve only OTLP, health and metrics: no REST API (/api/v1) and no "
            + "dashboard (/).")
    boolean noDashboard;

    @Option(names = "--demo", paramLabel = "N", description = "Also run the demo's simulated application: N traces a "
            + "second into experiment 'vigil-demo', scored live by the demo's Java scorers (to try the dashboard).")
    Integer demoRate;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE,...",
            description = "Score a Kafka trace topic as a member of a consumer group instead of tailing the store: "
                    + "bootstrap=HOST:PORT,topic=otlp_spans[,group=vigil][,format=otlp_proto|otlp_json|mlflow_json]"
                    + "[,experiment=NAME][,dlq=TOPIC][,assessments=TOPIC][,any Kafka client property]. "
                    + "Run several `vigil serve --kafka` on one PostgreSQL store to scale out.")
    String kafka;

    @Option(names = "--monitor-every", defaultValue = "10s", paramLabel = "TIME",
            description = "How often the store's monitors (alerts) are checked for being due, in every experiment "
                    + "(each monitor still runs on its own interval; default ${DEFAULT-VALUE}, at least 1s).")
    String monitorEvery;

    @Option(names = "--engine-id", paramLabel = "ID",
            description = "This engine's id among those sharing the store (default: serve-PID@HOST).")
    String engineId;

    @Option(names = "--duration", paramLabel = "TIME", description = "Stop by itself after this long (default: run until stopped).")
    String duration;

    @Mixin
    PartitionsOption partitions;
    @Mixin
    SessionOptionsMixin sessions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String token = System.getenv("VIGIL_SERVER_TOKEN");
        long limitMs = duration == null ? Long.MAX_VALUE : MonitorCommand.length(duration, "--duration").toMillis();
        Duration quiet = MonitorCommand.length(quietPeriod, "--quiet-period");
        Duration age = MonitorCommand.length(maxAge, "--max-trace-age");
        Duration monitorTick = MonitorCommand.length(monitorEvery, "--monitor-every");
        if (monitorTick.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new UserError("--monitor-every must be 1s or more, got " + monitorEvery);
        }
        if (maxRequestBytes < 1 || maxOpenTraces < 1) {
            throw new UserError("--max-request-size and --max-open-traces must be at least 1");
        }
        TraceAssembler.LateSpanRule lateSpanRule = lateSpanRule(lateSpans);
        if (maxEngineBacklog < 0) {
            throw new UserError("--max-engine-backlog must be 0 or more, got " + maxEngineBacklog);
        }
        KafkaSourceOptions kafkaOptions;
        try {
            kafkaOptions = kafka == null ? null : KafkaSourceOptions.parse(kafka);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        String id = engineId != null ? engineId : "serve-" + ProcessHandle.current().pid() + "@" + hostName();
        try (StopSignal stop = new StopSignal()) {
            EvaluationEventExporter events = exportOtlp == null ? null : EvaluationEventExporter.otlpHttp(exportOtlp);
            try (Store opened = openStore()) {
                Store s = events == null ? opened : events.wrap(opened);
                // one registry for the server's meters and the engine's, so /metrics shows both
                VigilServer.Meters meters = VigilServer.Meters.create();
                // the partition count splits the store tail; a Kafka source has its own partitions
                Vigil.Builder base = Vigil.builder().store(s).metrics(meters.engine());
                Vigil.Builder builder = sessions.apply(kafkaOptions == null ? partitions.apply(base, s) : base);
                if (engineId != null || kafkaOptions != null) {
                    builder.engineId(id);
                }
                Vigil vigil = builder.build();
                VigilServer server;
                try {
                    server = VigilServer.builder(vigil).host(host).port(port).token(token).quietPeriod(quiet)
                            .maxAge(age).maxRequestBytes(maxRequestBytes).maxOpenTraces(maxOpenTraces)
                            .maxEngineBacklog(maxEngineBacklog).lateSpanRule(lateSpanRule).experimentAttribute(experimentFrom)
                            .dashboard(!noDashboard).metrics(meters.registry()).start();
                } catch (RuntimeException e) {
                    vigil.close();
                    throw new UserError(e.getMessage(), e);
                }
                KafkaTraceSource source = null;
                KafkaLagMeters lagMeters = null;
                if (kafkaOptions == null) {
                    vigil.startMonitoring();
                } else {
                    try {
                        source = KafkaTraceSource.start(vigil, kafkaOptions, id);
                    } catch (RuntimeException e) {
                        server.close();
                        vigil.close();
                        throw new UserError("cannot start the Kafka source: " + e.getMessage(), e);
                    }
                    vigil.sessions().start(); // session scorers read the stored traces, whatever fed them
                    // the consumer lag in /metrics (total and per partition) and in /health
                    lagMeters = KafkaLagMeters.bind(source, server.metrics());
                    KafkaTraceSource kafkaSource = source;
                    server.healthSection("kafka", () -> kafkaSource.health().asMap());
                    out.println("Scoring Kafka topic(s) " + kafkaOptions.topics() + " at "
                            + kafkaOptions.bootstrapServers() + " in group " + kafkaOptions.groupId() + " as " + id
                            + "; poison records to " + kafkaOptions.deadLetterTopic()
                            + (kafkaOptions.assessmentsTopic() == null ? ""
                                    : "; assessments to " + kafkaOptions.assessmentsTopic())
                            + ". Traces sent over OTLP/HTTP to this process are stored but not scored in this mode.");
                }
                ServeDemo demo = demoRate == null ? null : new ServeDemo(vigil, demoRate);
                out.println("Serving OTLP/HTTP at " + server.url() + "/v1/traces on " + s.describe()
                        + (token == null ? " (no token: loopback only unless --host is given)" : " (bearer token required)")
                        + (events == null ? "" : "; evaluation events to " + exportOtlp) + "; late spans: "
                        + lateSpans.trim().toLowerCase(java.util.Locale.ROOT) + ". Ctrl-C stops.");
                if (!noDashboard) {
                    out.println("Dashboard: " + server.url() + "/   REST API: " + server.url() + "/api/v1 (OpenAPI at "
                            + "/api/v1/openapi.json)" + (token == null ? "" : "; sign in with VIGIL_SERVER_TOKEN"));
                }
                out.flush();
                // monitors (alerts) of every experiment are evaluated beside the engine, as 'vigil monitor' does;
                // an experiment created while serving gets its scheduler at the next turn of the loop below
                dev.vigil.core.monitor.MonitorService monitors = MonitorsCommand.service(s, java.time.Clock.systemUTC())
                        .useHealth(dev.vigil.core.monitor.EngineHealth.of(vigil));
                Map<String, dev.vigil.core.monitor.MonitorScheduler> alerts = new LinkedHashMap<>();
                long t0 = System.nanoTime();
                while (!stop.requested() && (System.nanoTime() - t0) / 1_000_000 < limitMs) {
                    scheduleMonitors(s, monitors, monitorTick, alerts);
                    stop.pause(Math.min(1000, limitMs - (System.nanoTime() - t0) / 1_000_000));
                }
                out.println((stop.requested() ? "Stopping (signal)" : "Stopping") + ": draining requests and scoring...");
                out.flush();
                if (demo != null) {
                    demo.close();
                }
                server.close();
                alerts.values().forEach(dev.vigil.core.monitor.MonitorScheduler::close);
                if (source != null) {
                    lagMeters.close();
                    source.close();
                    KafkaTraceSource.Health h = source.health();
                    out.println("Kafka: " + h.recordsRead() + " records read, " + h.deadLettered()
                            + " dead-lettered, lag " + h.lag() + (h.lastError() == null ? "" : ", last error: "
                            + h.lastError()));
                }
                vigil.close();
                if (events != null) {
                    events.flush(Duration.ofSeconds(10));
                    events.close();
                }
                out.println("Stopped cleanly.");
                out.flush();
            }
            return stop.requested() ? 130 : 0;
        }
    }

    /** Starts a monitor scheduler for each experiment that has none yet; a store read failure waits a turn. */
    private static void scheduleMonitors(Store s, dev.vigil.core.monitor.MonitorService monitors, Duration tick,
            Map<String, dev.vigil.core.monitor.MonitorScheduler> alerts) {
        List<dev.vigil.spi.model.Experiment> experiments;
        try {
            experiments = s.experiments().list();
        } catch (RuntimeException e) {
            return;
        }
        for (dev.vigil.spi.model.Experiment e : experiments) {
            alerts.computeIfAbsent(e.experimentId(), id -> new dev.vigil.core.monitor.MonitorScheduler(monitors, id, tick));
        }
    }

    /**
     * @param value the {@code --late-spans} value
     * @return its rule
     * @throws UserError naming the allowed values if it is none of them
     */
    static TraceAssembler.LateSpanRule lateSpanRule(String value) {
        return switch (value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "keep" -> TraceAssembler.LateSpanRule.UPDATE_KEEP_ASSESSMENTS;
            case "rescore" -> TraceAssembler.LateSpanRule.RESCORE;
            case "drop" -> TraceAssembler.LateSpanRule.DROP;
            default -> throw new UserError("--late-spans must be keep, rescore or drop, got '" + value + "'");
        };
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    private Store openStore() {
        try {
            return ((VigilCommand) spec.root().userObject()).stores.apply(store);
        } catch (InvalidInputException e) {
            throw new UserError("cannot open store '" + store + "': " + e.getMessage(), e);
        }
    }
}
