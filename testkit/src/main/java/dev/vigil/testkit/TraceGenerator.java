package dev.vigil.testkit;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Makes realistic synthetic MLflow 3 traces, deterministically: the same seed and settings give the same traces,
 * byte for byte. Three shapes, mixed by {@link #next()}:
 * <ul>
 *   <li><b>RAG chatbot</b> ({@link #ragTrace}): a CHAIN or AGENT root {@code rag_chatbot} with inputs
 *       {@code {"question": ...}} and a string answer as outputs; a RETRIEVER child whose outputs are documents
 *       {@code {"page_content": ..., "metadata": {"doc_uri": ..., "chunk_id": ...}}}; a CHAT_MODEL child with
 *       OpenAI-style chat inputs/outputs and token usage;</li>
 *   <li><b>tool-using agent</b> ({@link #agentTrace}): an AGENT root {@code support_agent} with chat
 *       {@code messages} inputs, a CHAT_MODEL that asks for a tool, a TOOL span, and a final CHAT_MODEL;</li>
 *   <li><b>errored</b> ({@link #errorTrace}): an agent whose TOOL span fails with an {@code exception} event;
 *       the root is ERROR, the trace state ERROR, the root outputs null.</li>
 * </ul>
 * Every trace has tags ({@code environment}, {@code app.version}), metadata ({@code mlflow.user},
 * {@code mlflow.trace.session}, {@code mlflow.traceName}, token usage), request/response previews and a duration.
 * Request times have millisecond precision (as in MLflow) and advance by a random gap (mean
 * {@code meanGap}) from {@code start}; span times are nanoseconds inside the trace's duration.
 *
 * <p>Not thread-safe: give each thread its own generator (with its own seed).
 */
public final class TraceGenerator {

    private static final String[] TOPICS = {"refund policy", "shipping to Canada", "password reset",
        "warranty for the X200 blender", "changing a delivery address", "the loyalty programme",
        "opening hours in Lyon", "export of invoices as PDF", "two-factor authentication", "cancelling an order"};
    private static final String[] QUESTION_FORMS = {"What is the %s?", "How does %s work?",
        "Can you tell me about %s?", "I need help with %s.", "Où puis-je trouver des informations sur %s ?",
        "%sについて教えてください。"};
    private static final String[] MODELS = {"gpt-4o-mini", "claude-3-5-haiku", "databricks-meta-llama-3-3-70b"};
    private static final String[] TOOLS = {"get_order_status", "lookup_customer", "create_ticket", "search_kb"};

    private final SplittableRandom random;
    private final String experimentId;
    private final long meanGapMs;
    private Instant clock;
    private double errorRate = 0.1;
    private double agentRate = 0.35;
    private int traceCount;

    /**
     * @param seed the seed: equal seeds give equal traces
     * @param experimentId the experiment the traces are logged to
     * @param start the request time of the first trace
     * @param meanGap the mean gap between request times (at least 1 ms)
     */
    public TraceGenerator(long seed, String experimentId, Instant start, Duration meanGap) {
        this.random = new SplittableRandom(seed);
        this.experimentId = Objects.requireNonNull(experimentId, "experimentId");
        this.clock = Instant.ofEpochMilli(Objects.requireNonNull(start, "start").toEpochMilli());
        this.meanGapMs = Math.max(1, meanGap.toMillis());
    }

    /**
     * A generator starting at 2026-01-01T00:00:00Z with a mean gap of one second.
     *
     * @param seed the seed
     * @param experimentId the experiment
     */
    public TraceGenerator(long seed, String experimentId) {
        this(seed, experimentId, Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(1));
    }

    /**
     * @param rate the fraction of {@link #next()} traces that are errored, in [0, 1] (default 0.1)
     * @return this
     */
    public TraceGenerator errorRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("error rate must be in [0, 1], got " + rate);
        }
        this.errorRate = rate;
        return this;
    }

    /**
     * @param rate the fraction of non-errored {@link #next()} traces that are tool-using agents rather than RAG
     *     chatbots, in [0, 1] (default 0.35)
     * @return this
     */
    public TraceGenerator agentRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("agent rate must be in [0, 1], got " + rate);
        }
        this.agentRate = rate;
        return this;
    }

    /** @return the next trace of the mix, its request time after the previous one's */
    public Trace next() {
        Instant at = advance();
        double r = random.nextDouble();
        if (r < errorRate) {
            return errorTrace(at);
        }
        return random.nextDouble() < agentRate ? agentTrace(at) : ragTrace(at);
    }

    /** @param n how many @return the next {@code n} traces of the mix */
    public List<Trace> traces(int n) {
        List<Trace> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /** @return the request time the next trace would get, and moves past it */
    private Instant advance() {
        // exponential gaps (a Poisson arrival process), at least 1 ms so times are distinct
        long gap = Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanGapMs));
        Instant at = clock;
        clock = clock.plusMillis(gap);
        return at;
    }

    /**
     * @param at the request time (truncated to milliseconds)
     * @return a RAG chatbot trace
     */
    public Trace ragTrace(Instant at) {
        Ctx c = new Ctx(at);
        String topic = pick(TOPICS);
        String question = String.format(pick(QUESTION_FORMS), topic);
        String model = pick(MODELS);
        List<Map<String, Object>> docs = new ArrayList<>();
        int nDocs = 2 + random.nextInt(3);
        for (int i = 0; i < nDocs; i++) {
            String uri = "https://docs.example.com/help/" + topic.replace(' ', '-') + "/" + (i + 1);
            docs.add(map("page_content", "Section " + (i + 1) + " about " + topic + ": "
                            + sentence(12 + random.nextInt(20)),
                    "metadata", map("doc_uri", uri, "chunk_id", Long.toString(random.nextInt(10_000)))));
        }
        String answer = "Regarding " + topic + ": " + sentence(15 + random.nextInt(25));
        long total = 400 + random.nextInt(2500);
        String root = c.spanId();
        String retr = c.spanId();
        String llm = c.spanId();
        long retrEnd = 20 + random.nextInt(150);
        String rootType = random.nextBoolean() ? SpanTypes.CHAIN : SpanTypes.AGENT;
        List<Span> spans = List.of(
                c.span(root, null, "rag_chatbot", rootType, 0, total, SpanStatus.OK,
                        map("question", question), answer, Map.of(), List.of()),
                c.span(retr, root, "retrieve_docs", SpanTypes.RETRIEVER, 5, retrEnd, SpanStatus.OK,
                        map("query", question), docs, map("top_k", (long) nDocs), List.of()),
                c.span(llm, root, "chat_completion", SpanTypes.CHAT_MODEL, retrEnd + 2, total - 3, SpanStatus.OK,
                        chatInputs(model, "Answer using the context.", question), chatOutputs(model, answer),
                        map("model", model, "temperature", 0.2), List.of()));
        return c.trace(spans, TraceState.OK, total, question, answer, "rag_chatbot");
    }

    /**
     * @param at the request time (truncated to milliseconds)
     * @return a tool-using agent trace
     */
    public Trace agentTrace(Instant at) {
        return agent(new Ctx(at), false);
    }

    /**
     * @param at the request time (truncated to milliseconds)
     * @return an agent trace whose tool call failed
     */
    public Trace errorTrace(Instant at) {
        return agent(new Ctx(at), true);
    }

    private Trace agent(Ctx c, boolean fail) {
        String topic = pick(TOPICS);
        String request = String.format(pick(QUESTION_FORMS), topic) + " My order is #" + (10_000 + random.nextInt(90_000));
        String model = pick(MODELS);
        String tool = pick(TOOLS);
        long total = 800 + random.nextInt(4000);
        String root = c.spanId();
        String plan = c.spanId();
        String toolSpan = c.spanId();
        long planEnd = 100 + random.nextInt(400);
        long toolEnd = planEnd + 10 + random.nextInt(300);
        Map<String, Object> toolArgs = map("order_id", "ORD-" + random.nextInt(1_000_000));
        Map<String, Object> planOut = map("id", "chatcmpl-" + c.hex(12), "model", model,
                "choices", List.of(map("index", 0L, "finish_reason", "tool_calls",
                        "message", map("role", "assistant", "content", null, "tool_calls", List.of(map(
                                "id", "call_" + c.hex(8), "type", "function",
                                "function", map("name", tool, "arguments", Json.write(toolArgs))))))));
        List<Span> spans = new ArrayList<>();
        Map<String, Object> rootInputs = map("messages", List.of(map("role", "user", "content", request)));
        if (fail) {
            String message = "Connection refused: orders-service:8443";
            SpanEvent exception = new SpanEvent("exception", c.nanos(toolEnd), map(
                    "exception.type", "ConnectionError",
                    "exception.message", message,
                    "exception.stacktrace", "Traceback (most recent call last):\n  File \"agent.py\", line 42, in "
                            + tool + "\n    resp = client.get(url)\nConnectionError: " + message,
                    "exception.escaped", "False"));
            spans.add(c.span(root, null, "support_agent", SpanTypes.AGENT, 0, toolEnd + 5,
                    SpanStatus.error("ConnectionError: " + message), rootInputs, null, Map.of(), List.of()));
            spans.add(c.span(plan, root, "plan", SpanTypes.CHAT_MODEL, 2, planEnd, SpanStatus.OK,
                    chatInputs(model, "You are a support agent.", request), planOut, map("model", model), List.of()));
            spans.add(c.span(toolSpan, root, tool, SpanTypes.TOOL, planEnd + 1, toolEnd,
                    SpanStatus.error("ConnectionError: " + message), toolArgs, null,
                    map("tool.timeout_ms", 5000L), List.of(exception)));
            return c.trace(spans, TraceState.ERROR, toolEnd + 5, request, null, "support_agent");
        }
        Map<String, Object> toolOut = map("status", pick(new String[] {"shipped", "processing", "delivered"}),
                "eta_days", (long) random.nextInt(7), "carrier", "DHL");
        String answer = "Your order is " + toolOut.get("status") + ". " + sentence(10 + random.nextInt(15));
        String answerSpan = c.spanId();
        spans.add(c.span(root, null, "support_agent", SpanTypes.AGENT, 0, total, SpanStatus.OK, rootInputs,
                map("messages", List.of(map("role", "assistant", "content", answer))), Map.of(), List.of()));
        spans.add(c.span(plan, root, "plan", SpanTypes.CHAT_MODEL, 2, planEnd, SpanStatus.OK,
                chatInputs(model, "You are a support agent.", request), planOut, map("model", model), List.of()));
        spans.add(c.span(toolSpan, root, tool, SpanTypes.TOOL, planEnd + 1, toolEnd, SpanStatus.OK, toolArgs,
                toolOut, map("tool.timeout_ms", 5000L), List.of()));
        spans.add(c.span(answerSpan, root, "answer", SpanTypes.CHAT_MODEL, toolEnd + 1, total - 2, SpanStatus.OK,
                chatInputs(model, "Summarise the tool result for the customer.", request),
                chatOutputs(model, answer), map("model", model), List.of()));
        return c.trace(spans, TraceState.OK, total, request, answer, "support_agent");
    }

    private static Map<String, Object> chatInputs(String model, String system, String user) {
        return map("model", model, "messages", List.of(map("role", "system", "content", system),
                map("role", "user", "content", user)));
    }

    private Map<String, Object> chatOutputs(String model, String answer) {
        long prompt = 50 + random.nextInt(900);
        long completion = 20 + random.nextInt(300);
        return map("id", "chatcmpl-" + hexOf(12), "model", model, "choices", List.of(map("index", 0L,
                        "finish_reason", "stop", "message", map("role", "assistant", "content", answer))),
                "usage", map("prompt_tokens", prompt, "completion_tokens", completion,
                        "total_tokens", prompt + completion));
    }

    private static final String[] WORDS = ("the customer can request a refund within thirty days of delivery "
            + "provided the item is unused and in its original packaging shipping costs are covered when the "
            + "product arrived damaged support agents confirm the order number before any change our team "
            + "answers within one business day and premium members get priority handling").split(" ");

    private String sentence(int words) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            b.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        b.setCharAt(0, Character.toUpperCase(b.charAt(0)));
        return b.append('.').toString();
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private String hexOf(int bytes) {
        StringBuilder b = new StringBuilder(bytes * 2);
        for (int i = 0; i < bytes; i++) {
            b.append(String.format("%02x", random.nextInt(256)));
        }
        return b.toString();
    }

    /** Builds a map keeping insertion order and allowing null values (JSON nulls). */
    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The ids and clock of one trace being built. */
    private final class Ctx {
        final String traceId;
        final Instant at;
        final long baseNanos;

        Ctx(Instant requestTime) {
            this.at = Instant.ofEpochMilli(requestTime.toEpochMilli());
            this.traceId = "tr-" + hexOf(16);
            this.baseNanos = at.toEpochMilli() * 1_000_000L;
        }

        String spanId() {
            return hexOf(8);
        }

        String hex(int bytes) {
            return hexOf(bytes);
        }

        long nanos(long offsetMs) {
            return baseNanos + offsetMs * 1_000_000L + random.nextInt(1_000_000);
        }

        Span span(String id, String parent, String name, String type, long startMs, long endMs, SpanStatus status,
                Object inputs, Object outputs, Map<String, Object> attributes, List<SpanEvent> events) {
            return Span.builder().traceId(traceId).spanId(id).parentSpanId(parent).name(name)
                    .startTimeUnixNano(baseNanos + startMs * 1_000_000L)
                    .endTimeUnixNano(baseNanos + endMs * 1_000_000L).status(status).spanType(type)
                    .inputs(inputs).outputs(outputs).attributes(attributes).events(events).build();
        }

        Trace trace(List<Span> spans, TraceState state, long durationMs, String request, String response,
                String traceName) {
            traceCount++;
            long prompt = 100 + random.nextInt(1500);
            long completion = 20 + random.nextInt(400);
            TraceInfo info = TraceInfo.builder().traceId(traceId).experimentId(experimentId).requestTime(at)
                    .executionDurationMs(durationMs).state(state)
                    .requestPreview(preview(request)).responsePreview(response == null ? null : preview(response))
                    .clientRequestId("req-" + traceCount + "-" + hexOf(4))
                    .traceMetadata("mlflow.traceName", traceName)
                    .traceMetadata("mlflow.user", "user-" + (1 + random.nextInt(40)))
                    .traceMetadata("mlflow.trace.session", "session-" + (1 + random.nextInt(15)))
                    .traceMetadata("mlflow.trace.tokenUsage", Json.write(map("input_tokens", prompt,
                            "output_tokens", completion, "total_tokens", prompt + completion)))
                    .traceMetadata("mlflow.trace_schema.version", "3")
                    .tag("environment", random.nextInt(10) < 8 ? "production" : "staging")
                    .tag("app.version", "1." + random.nextInt(4) + "." + random.nextInt(10))
                    .build();
            return new Trace(info, spans);
        }

        private String preview(String s) {
            return s.length() <= 1000 ? s : s.substring(0, 1000);
        }
    }
}
