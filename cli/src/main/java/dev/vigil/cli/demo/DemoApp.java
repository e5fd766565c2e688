package dev.vigil.cli.demo;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A simulated GenAI application, the demo's source of traces: a RAG chatbot answering questions about a data
 * platform (a CHAIN root with RETRIEVER and CHAT_MODEL spans) and a tool-using agent (an AGENT root with
 * CHAT_MODEL and TOOL spans). Most answers are good; some are off-topic, unsafe (a leaked credential, advice to
 * switch security off), not in English, slow, or fail with an error. Root inputs are {@code {"query": ...}} and
 * outputs {@code {"response": ...}}, the shape the seed's scorers read. The content is deterministic for a seed;
 * trace and span ids are random, so that runs never collide.
 */
public final class DemoApp {

    /** The tag naming which app made a trace: {@code rag} or {@code agent}. */
    public static final String APP_TAG = "app";

    private static final HexFormat HEX = HexFormat.of();

    private static final String[][] DOCS = {
        {"docs/delta/optimize.md", "OPTIMIZE compacts small files of a Delta table into larger ones; ZORDER BY co-locates related rows."},
        {"docs/delta/time-travel.md", "Delta Lake keeps table history: query an older version with VERSION AS OF or TIMESTAMP AS OF."},
        {"docs/mlflow/tracing.md", "MLflow Tracing records each request, its LLM calls, retrievals and tool calls as a trace of spans."},
        {"docs/mlflow/scorers.md", "Scorers judge traces: LLM judges such as Safety and Guidelines, or code that returns a value."},
        {"docs/spark/partitions.md", "Spark splits data into partitions; repartition changes their number, coalesce only reduces it."},
        {"docs/sql/warehouses.md", "A SQL warehouse runs SQL queries; serverless warehouses start in seconds and scale automatically."},
        {"docs/security/tokens.md", "Personal access tokens authenticate API calls; store them in a secret scope, never in code."},
        {"docs/jobs/retries.md", "Jobs can retry failed tasks with a delay; set a timeout so a stuck task does not run forever."},
    };

    private static final String[][] GOOD = {
        {"How do I compact small files in a Delta table?", "Run OPTIMIZE on the table: it compacts small files into larger ones. Add ZORDER BY on columns you filter by often so related rows sit together. On Databricks you can also turn on predictive optimization.", "0"},
        {"Can I query an older version of a Delta table?", "Yes. Delta Lake keeps the table history, so you can query an older version with VERSION AS OF 12 or TIMESTAMP AS OF '2024-06-01'. DESCRIBE HISTORY lists the versions.", "1"},
        {"What does MLflow Tracing record?", "MLflow Tracing records each request as a trace: its inputs and outputs, every LLM call, retrieval and tool call as a span, with timings and token usage.", "2"},
        {"How do scorers judge my traces?", "Scorers look at a trace and return a value: LLM judges such as Safety or Guidelines ask a model, code scorers compute something such as the response length. Registered scorers run on a sample of production traces.", "3"},
        {"What is the difference between repartition and coalesce?", "repartition can raise or lower the number of partitions and shuffles the data; coalesce only lowers it and avoids a full shuffle, so it is cheaper for reducing partitions.", "4"},
        {"How fast does a serverless SQL warehouse start?", "Serverless SQL warehouses on Databricks start in a few seconds and scale automatically with the query load, so you do not size clusters yourself.", "5"},
        {"Where should I keep my API token?", "Keep personal access tokens in a secret scope and read them at run time; never put them in notebooks or code that others can read.", "6"},
        {"How do I make a job retry failed tasks?", "In the job settings, give the task a retry policy with a number of retries and a delay between them, and set a timeout so a stuck task stops.", "7"},
    };

    private static final String[][] OFF_TOPIC = {
        {"What's a good apple pie recipe for Thanksgiving?", "Mix flour, butter and a pinch of salt for the crust, fill it with sliced apples, sugar and cinnamon, and bake for 50 minutes at 190 °C."},
        {"Who will win the football game on Sunday?", "The home team has won their last five games, so they are the favourites this Sunday."},
    };

    private static final String[][] UNSAFE = {
        {"Our job cannot reach the API, what token should it use?", "Just paste this admin token into the notebook: dapi8f3e2b1c9d7a6e5f4b3c2d1e0f9a8b7c and share it with the team so everyone can use it."},
        {"How do I make the cluster accept connections from anywhere?", "Switch off the IP access list and disable authentication on the cluster endpoint, then anyone on the internet can connect without a password."},
    };

    private static final String[][] NOT_ENGLISH = {
        {"Comment compacter les petits fichiers d'une table Delta ?", "Exécutez OPTIMIZE sur la table : les petits fichiers sont regroupés en fichiers plus grands. Ajoutez ZORDER BY sur les colonnes souvent filtrées.", "0"},
        {"¿Cómo consulto una versión antigua de una tabla Delta?", "Delta Lake guarda el historial de la tabla: use VERSION AS OF o TIMESTAMP AS OF para consultar una versión anterior.", "1"},
        {"Wie starte ich ein SQL Warehouse schneller?", "Verwenden Sie ein Serverless SQL Warehouse: es startet in wenigen Sekunden und skaliert automatisch mit der Last.", "5"},
    };

    private static final String[] AGENT_TASKS = {
        "Which of my jobs failed last night and why?",
        "How many rows does the sales.orders table have?",
        "Is the shared analytics cluster running?",
        "Find the docs page about Delta time travel and summarise it.",
    };

    private final SplittableRandom random;
    /** Ids come from their own unseeded source: a second run on the same store adds traces, never replaces. */
    private final SplittableRandom ids = new SplittableRandom();
    private final String experimentId;
    private long sequence;

    /**
     * @param seed the random seed
     * @param experimentId the experiment the traces are logged to
     */
    public DemoApp(long seed, String experimentId) {
        this.random = new SplittableRandom(seed);
        this.experimentId = experimentId;
    }

    /**
     * @param at the request time
     * @return the next trace: about 70% from the chatbot, 30% from the agent
     */
    public synchronized Trace next(Instant at) {
        sequence++;
        return random.nextDouble() < 0.7 ? ragTrace(at) : agentTrace(at);
    }

    private String id(int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) ids.nextInt(256);
        }
        return HEX.formatHex(b);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private Trace ragTrace(Instant at) {
        double r = random.nextDouble();
        String kind;
        String[] qa;
        if (r < 0.08) {
            kind = "off_topic";
            qa = OFF_TOPIC[random.nextInt(OFF_TOPIC.length)];
        } else if (r < 0.14) {
            kind = "unsafe";
            qa = UNSAFE[random.nextInt(UNSAFE.length)];
        } else if (r < 0.22) {
            kind = "not_english";
            qa = NOT_ENGLISH[random.nextInt(NOT_ENGLISH.length)];
        } else {
            kind = "good";
            qa = GOOD[random.nextInt(GOOD.length)];
        }
        boolean slow = random.nextDouble() < 0.08;
        boolean error = random.nextDouble() < 0.05;
        String traceId = "tr-" + id(16);
        long start = nanos(at);
        long retrieveMs = 20 + random.nextInt(60);
        long llmMs = slow ? 4000 + random.nextInt(5000) : 300 + random.nextInt(1200);
        String rootId = id(8);
        String retrieverId = id(8);
        String llmId = id(8);
        List<Object> docs = new ArrayList<>();
        int docIndex = qa.length > 2 ? Integer.parseInt(qa[2]) : random.nextInt(DOCS.length);
        docs.add(doc(DOCS[docIndex]));
        docs.add(doc(DOCS[random.nextInt(DOCS.length)]));
        Map<String, Object> query = Map.of("query", qa[0]);
        List<Span> spans = new ArrayList<>();
        long retrieveEnd = start + retrieveMs * 1_000_000;
        spans.add(Span.builder().traceId(traceId).spanId(retrieverId).parentSpanId(rootId).name("search_docs")
                .startTimeUnixNano(start + 1_000_000).endTimeUnixNano(retrieveEnd).status(SpanStatus.OK)
                .spanType(SpanTypes.RETRIEVER).inputs(Map.of("query", qa[0])).outputs(docs).build());
        long llmEnd = retrieveEnd + llmMs * 1_000_000;
        List<Object> messages = List.of(
                Map.of("role", "system", "content", "Answer questions about the data platform from the documents."),
                Map.of("role", "user", "content", qa[0]));
        Span.Builder llm = Span.builder().traceId(traceId).spanId(llmId).parentSpanId(rootId).name("chat_completion")
                .startTimeUnixNano(retrieveEnd).endTimeUnixNano(llmEnd).spanType(SpanTypes.CHAT_MODEL)
                .inputs(Map.of("model", "demo-chat-1", "messages", messages))
                .attribute("mlflow.chat.tokenUsage", Map.of("input_tokens", 180L + random.nextInt(200),
                        "output_tokens", 40L + random.nextInt(120)));
        Map<String, Object> outputs;
        SpanStatus rootStatus;
        List<SpanEvent> rootEvents = List.of();
        if (error) {
            SpanEvent ex = new SpanEvent("exception", llmEnd, Map.of("exception.type", "RateLimitError",
                    "exception.message", "429 Too Many Requests: the model endpoint is over capacity"));
            spans.add(llm.status(SpanStatus.error("RateLimitError: 429 Too Many Requests")).events(List.of(ex)).build());
            outputs = null;
            rootStatus = SpanStatus.error("RateLimitError: 429 Too Many Requests");
            rootEvents = List.of(ex);
            kind = "error";
        } else {
            spans.add(llm.status(SpanStatus.OK).outputs(Map.of("choices", List.of(Map.of("index", 0L, "message",
                    Map.of("role", "assistant", "content", qa[1]), "finish_reason", "stop")))).build());
            outputs = new LinkedHashMap<>();
            outputs.put("response", qa[1]);
            outputs.put("sources", List.of(DOCS[docIndex][0]));
            rootStatus = SpanStatus.OK;
        }
        long end = llmEnd + 2_000_000;
        spans.add(0, Span.builder().traceId(traceId).spanId(rootId).name("rag_chat").startTimeUnixNano(start)
                .endTimeUnixNano(end).status(rootStatus).spanType(SpanTypes.CHAIN).inputs(query).outputs(outputs)
                .events(rootEvents).build());
        return trace(traceId, at, (end - start) / 1_000_000, error, qa[0], error ? null : qa[1], "rag", kind, spans);
    }

    private Trace agentTrace(Instant at) {
        String task = AGENT_TASKS[random.nextInt(AGENT_TASKS.length)];
        boolean toolFails = random.nextDouble() < 0.12;
        boolean slow = random.nextDouble() < 0.06;
        String traceId = "tr-" + id(16);
        String rootId = id(8);
        long start = nanos(at);
        long t = start + 1_000_000;
        List<Span> spans = new ArrayList<>();
        String[][] tools = switch (task.charAt(0)) {
            case 'W' -> new String[][] {{"list_job_runs", "{\"status\": \"FAILED\", \"since\": \"yesterday\"}",
                    "[{\"job\": \"nightly_etl\", \"error\": \"OutOfMemoryError on executor 3\"}]"}};
            case 'H' -> new String[][] {{"run_sql", "{\"query\": \"SELECT count(*) FROM sales.orders\"}", "[[1284301]]"}};
            case 'I' -> new String[][] {{"get_cluster_status", "{\"cluster\": \"shared-analytics\"}", "{\"state\": \"RUNNING\", \"workers\": 4}"}};
            default -> new String[][] {{"search_docs", "{\"query\": \"Delta time travel\"}", "[\"docs/delta/time-travel.md\"]"},
                    {"read_page", "{\"path\": \"docs/delta/time-travel.md\"}", "\"" + DOCS[1][1] + "\""}};
        };
        String answer = switch (task.charAt(0)) {
            case 'W' -> "One job failed last night: nightly_etl, with an OutOfMemoryError on executor 3. Give the executors more memory or process the data in smaller batches.";
            case 'H' -> "The sales.orders table has 1,284,301 rows.";
            case 'I' -> "Yes, the shared-analytics cluster is running with 4 workers.";
            default -> "Delta time travel lets you query an older version of a table with VERSION AS OF or TIMESTAMP AS OF; DESCRIBE HISTORY lists the versions.";
        };
        boolean failed = false;
        for (String[] tool : tools) {
            long plan = (slow ? 2500 : 200) + random.nextInt(400);
            spans.add(chat(traceId, rootId, t, t + plan * 1_000_000, task, "call " + tool[0]));
            t += plan * 1_000_000;
            long toolMs = 30 + random.nextInt(300);
            Span.Builder ts = Span.builder().traceId(traceId).spanId(id(8)).parentSpanId(rootId).name(tool[0])
                    .startTimeUnixNano(t).endTimeUnixNano(t + toolMs * 1_000_000).spanType(SpanTypes.TOOL)
                    .inputs(dev.vigil.spi.json.Json.parse(tool[1]));
            if (toolFails && !failed) {
                failed = true;
                ts.status(SpanStatus.error("PermissionDenied: the agent's service principal cannot read this resource"))
                        .events(List.of(new SpanEvent("exception", t + toolMs * 1_000_000, Map.of("exception.type",
                                "PermissionDenied", "exception.message", "cannot read this resource"))));
            } else {
                ts.status(SpanStatus.OK).outputs(dev.vigil.spi.json.Json.parse(tool[2]));
            }
            spans.add(ts.build());
            t += toolMs * 1_000_000;
        }
        String response = failed ? "Sorry, I could not look that up: I am not allowed to read that resource." : answer;
        long finalMs = 250 + random.nextInt(700);
        spans.add(chat(traceId, rootId, t, t + finalMs * 1_000_000, task, response));
        t += finalMs * 1_000_000;
        long end = t + 1_000_000;
        spans.add(0, Span.builder().traceId(traceId).spanId(rootId).name("ops_agent").startTimeUnixNano(start)
                .endTimeUnixNano(end).status(SpanStatus.OK).spanType(SpanTypes.AGENT)
                .inputs(Map.of("query", task)).outputs(Map.of("response", response)).build());
        return trace(traceId, at, (end - start) / 1_000_000, false, task, response, "agent",
                failed ? "tool_error" : "good", spans);
    }

    private Span chat(String traceId, String parent, long start, long end, String task, String content) {
        return Span.builder().traceId(traceId).spanId(id(8)).parentSpanId(parent).name("chat_completion")
                .startTimeUnixNano(start).endTimeUnixNano(end).status(SpanStatus.OK).spanType(SpanTypes.CHAT_MODEL)
                .inputs(Map.of("model", "demo-chat-1", "messages", List.of(Map.of("role", "user", "content", task))))
                .outputs(Map.of("choices", List.of(Map.of("index", 0L, "message",
                        Map.of("role", "assistant", "content", content), "finish_reason", "stop"))))
                .build();
    }

    private static Map<String, Object> doc(String[] d) {
        return Map.of("page_content", d[1], "metadata", Map.of("doc_uri", d[0]));
    }

    private Trace trace(String traceId, Instant at, long durationMs, boolean error, String request, String response,
            String app, String kind, List<Span> spans) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("mlflow.traceName", app.equals("rag") ? "rag_chat" : "ops_agent");
        metadata.put("mlflow.trace_schema.version", "3");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(APP_TAG, app);
        tags.put("demo.kind", kind);
        tags.put("demo.sequence", Long.toString(sequence));
        TraceInfo info = new TraceInfo(traceId, experimentId, at, durationMs, error ? TraceState.ERROR : TraceState.OK,
                request, response, null, metadata, tags, List.of());
        return new Trace(info, spans);
    }
}
