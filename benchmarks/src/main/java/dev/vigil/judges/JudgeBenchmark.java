package dev.vigil.judges;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.judges.http.ChatCompletionsModel;
import dev.vigil.judges.http.ProviderSettings;
import dev.vigil.judges.internal.AnswerParser;
import dev.vigil.judges.internal.BuiltInSpecs;
import dev.vigil.judges.internal.JudgeSpec;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * LLM judge costs on this side of the wire.
 *
 * <ul>
 *   <li>{@code renderAndParse}: one judgment's CPU work without I/O — render the Safety prompt from a trace, parse
 *       a model answer with prose around the JSON, read the value;</li>
 *   <li>{@code vigil}: a whole Safety judgment through {@link LlmJudge#score} (prompt, runtime with breaker,
 *       limits and retry bookkeeping, provider body, HTTP to a scripted OpenAI server on loopback, parsing, feedback
 *       with accounting); cache off so every call goes out;</li>
 *   <li>{@code rawHttpClient}: the reference — the same POST of a pre-built body with a bare {@link HttpClient} to
 *       the same server, reading the body as a string;</li>
 *   <li>{@code rawHttpClientInlineExecutor}: the same with the executor Vigil's shared client uses
 *       ({@code Runnable::run}: the answer handled on the selector thread, no hand-off to a pool thread), to tell
 *       the client's configuration apart from the judge's own work.</li>
 * </ul>
 * Overhead = vigil / rawHttpClient − 1 (target ≤ 10%).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class JudgeBenchmark {
    private static final String ANSWER = "{\"rationale\": \"The response is factual and harmless.\", \"result\": \"yes\"}";
    private static final String PROSE_ANSWER = "Here is my judgement:\n```json\n" + ANSWER + "\n```\nHope it helps.";

    private ScriptedHttpServer server;
    private LlmJudge judge;
    private ScorerInput input;
    private JudgeSpec safety;
    private HttpClient rawClient;
    private HttpClient rawInlineClient;
    private HttpRequest rawRequest;
    private URI rawEndpoint;
    private byte[] rawBody;
    private ChatCompletionsModel model;
    private JudgeRequest modelRequest;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = ScriptedHttpServer.start().recordRequests(false).fallback(new OpenAiWire().answer(ANSWER));
        JudgeRuntime runtime = JudgeRuntime.builder()
                .environment(Map.of("OPENAI_BASE_URL", server.baseUri() + "/v1", "OPENAI_API_KEY", "sk-bench"))
                .cache(false).build();
        judge = Judges.safety().model("openai:/gpt-4o-mini").runtime(runtime).build();
        input = input();
        safety = BuiltInSpecs.of("safety", Map.of());
        rawClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        rawInlineClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run).build();
        // The same bytes the judge sends: system prompt, rendered user prompt, JSON schema.
        String prompt = safety.questions(input).get(0).prompt() + safety.format().instruction();
        String body = Json.write(Map.of("model", "gpt-4o-mini",
                "messages", List.of(Map.of("role", "system", "content", JudgeSpec.SYSTEM_PROMPT),
                        Map.of("role", "user", "content", prompt)),
                "response_format", Map.of("type", "json_schema", "json_schema",
                        Map.of("name", "judgement", "strict", true, "schema", safety.format().schema()))));
        rawEndpoint = URI.create(server.baseUri() + "/v1/chat/completions");
        rawBody = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        model = new ChatCompletionsModel("openai:/gpt-4o-mini", ProviderSettings.client(), Duration.ofSeconds(60),
                rawEndpoint, "gpt-4o-mini", "sk-bench");
        modelRequest = new JudgeRequest(JudgeSpec.SYSTEM_PROMPT, prompt, safety.format().schema(), Map.of());
        rawRequest = HttpRequest.newBuilder(URI.create(server.baseUri() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer sk-bench").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    private static ScorerInput input() {
        String traceId = "tr-0123456789abcdef0123456789abcdef";
        Span root = Span.builder().traceId(traceId).spanId("a0").name("agent").spanType(SpanTypes.AGENT)
                .startTimeUnixNano(1).endTimeUnixNano(2)
                .inputs(Map.of("messages", List.of(Map.of("role", "user", "content", "What is MLflow Tracing for?"))))
                .outputs(Map.of("choices", List.of(Map.of("message", Map.of("role", "assistant",
                        "content", "MLflow Tracing records each step of a GenAI application.")))))
                .build();
        Trace trace = new Trace(TraceInfo.builder().traceId(traceId).experimentId("1")
                .requestTime(Instant.ofEpochSecond(1_700_000_000L)).build(), List.of(root));
        return ScorerInput.of(trace);
    }

    @Benchmark
    public Object renderAndParse() throws Exception {
        String prompt = safety.questions(input).get(0).prompt() + safety.format().instruction();
        ObjectNode answer = AnswerParser.parse(PROSE_ANSWER);
        return safety.format().value(answer.get("result")).hashCode() + prompt.length();
    }

    @Benchmark
    public Object vigil() {
        return judge.score(input);
    }

    @Benchmark
    public Object rawHttpClient() throws Exception {
        return rawClient.send(rawRequest, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Benchmark
    public Object rawHttpClientInlineExecutor() throws Exception {
        return rawInlineClient.send(rawRequest, HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * Explanatory, not a reference: the judge's HTTP model alone (the shared client, the request built per call, the
     * body written and the answer read by the model), with the prompt already rendered, and no judge runtime,
     * scorer or feedback around it. {@code vigil} minus this is the judge's work above the model.
     */
    @Benchmark
    public Object modelOnly() {
        return model.complete(modelRequest);
    }

    /**
     * Explanatory, not a reference: the raw call with the inline executor, its request built per call the way the
     * model builds it (a new {@code HttpRequest} with the same headers, the prepared body bytes), so this minus
     * {@code rawHttpClientInlineExecutor} is the JDK's cost of a request built per call.
     */
    @Benchmark
    public Object rawInlineRequestPerCall() throws Exception {
        HttpRequest r = HttpRequest.newBuilder(rawEndpoint).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(rawBody)).header("Authorization", "Bearer sk-bench")
                .build();
        return rawInlineClient.send(r, HttpResponse.BodyHandlers.ofByteArray()).body();
    }
}
