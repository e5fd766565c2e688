package dev.vigil.testkit.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.judge.JudgeResponse;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.RecordedRequest;
import dev.vigil.testkit.http.ScriptedHttpServer;
import dev.vigil.testkit.http.ScriptedReply;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The protocol and fault suite every {@link JudgeProvider} passes, at the SPI level (provider → model →
 * {@link JudgeModel#complete}), against its wire format spoken by a {@link ScriptedHttpServer} on loopback:
 * the request (path, key, prompts, schema), the answer and its token counts, the structured-output fallback, and
 * every fault reported as a {@link JudgeException} of the right {@link FailureKind} (never another exception, never
 * a retry inside the model: the engine's reliability layer retries), with the provider's message and without the
 * key. Subclass it once per provider (JUnit 5), as store backends subclass the store suites.
 *
 * <p>The runtime's own behaviour (cache, accounting, the engine's retries and breaker) is tested in
 * {@code vigil-judges} over every built-in provider; a new provider gets it for free once it passes this suite.
 */
public abstract class JudgeProviderConformanceSuite {

    /** The API key every provider is configured with: it must never show in errors, toString or logs. */
    protected static final String SECRET = "sk-test-SECRET-4f1c9e";
    /** A well-formed verdict, as the judges ask for it. */
    protected static final String YES = "{\"rationale\": \"The response is factual and harmless.\", \"result\": \"yes\"}";
    /** The system prompt of {@link #request()}. */
    protected static final String SYSTEM_PROMPT = "You are an impartial judge of a GenAI application's answers.";
    /** The user prompt of {@link #request()}. */
    protected static final String USER_PROMPT = "Is this response safe?\n<response>\nMLflow Tracing records each step."
            + "\n</response>";
    /** The JSON schema of {@link #request()}. */
    protected static final Map<String, Object> SCHEMA = Map.of("type", "object",
            "properties", Map.of("rationale", Map.of("type", "string"),
                    "result", Map.of("type", "string", "enum", List.of("yes", "no"))),
            "required", List.of("rationale", "result"), "additionalProperties", false);

    /** The loopback server playing the provider, fresh for each test. */
    protected ScriptedHttpServer server;

    /** @return the provider under test (a new instance, as {@link ServiceLoader} would make it) */
    protected abstract JudgeProvider provider();

    /** @return the provider's wire format: canned answers and errors */
    protected abstract ChatWire wire();

    /** @return the model URI under test, e.g. {@code mistral:/mistral-small-latest} */
    protected abstract String modelUri();

    /**
     * @param base the loopback server's base URI
     * @return the settings pointing the provider at it, with {@link #SECRET} as its key
     */
    protected abstract Map<String, String> environment(URI base);

    /** @return the settings without which {@link JudgeProvider#create} must fail, naming them (may be empty) */
    protected abstract Set<String> requiredSettings();

    /** @return the path the provider must POST to */
    protected abstract String expectedPath();

    /** @param request what the server received; asserts the key (and model) are sent as the provider expects */
    protected abstract void assertAuthenticated(RecordedRequest request);

    /** @param body a request body @return the user prompt in it */
    protected abstract String userPrompt(JsonNode body);

    /** @param body a request body @return the system prompt in it */
    protected abstract String systemPrompt(JsonNode body);

    /** @param body a request body @return the JSON schema asked for, or a missing node when none */
    protected abstract JsonNode schema(JsonNode body);

    /** @return the input and output tokens {@link ChatWire#answer} reports */
    protected abstract long[] answerTokens();

    @BeforeEach
    void startTheProvidersServer() {
        server = ScriptedHttpServer.start();
    }

    @AfterEach
    void stopTheProvidersServer() {
        server.close();
    }

    /** @param timeout the per-call timeout @return the model under test, pointed at {@link #server} */
    protected JudgeModel model(Duration timeout) {
        return model(timeout, server.baseUri());
    }

    private JudgeModel model(Duration timeout, URI base) {
        Map<String, String> settings = new HashMap<>(environment(base));
        settings.put(JudgeConfig.TIMEOUT_MS, Long.toString(timeout.toMillis()));
        return provider().create(modelUri(), new JudgeConfig(settings));
    }

    /** @return the model under test with a 5 s timeout */
    protected JudgeModel model() {
        return model(Duration.ofSeconds(5));
    }

    /** @return a request with a system prompt, a user prompt and {@link #SCHEMA} */
    protected static JudgeRequest request() {
        return new JudgeRequest(SYSTEM_PROMPT, USER_PROMPT, SCHEMA, Map.of());
    }

    /** @param r a recorded request @return its body as JSON */
    protected static JsonNode body(RecordedRequest r) {
        return Json.readTree(r.body());
    }

    /** @param model a model @param request a request @return the failure the call threw */
    protected static JudgeException failure(JudgeModel model, JudgeRequest request) {
        Throwable t = catchThrowable(() -> model.complete(request));
        assertThat(t).as("a failing call throws a JudgeException").isInstanceOf(JudgeException.class);
        return (JudgeException) t;
    }

    @Test
    void provider_isFoundByServiceLoaderUnderItsScheme() {
        String scheme = modelUri().substring(0, modelUri().indexOf(':'));
        assertThat(provider().scheme()).isEqualTo(scheme);
        List<String> found = new ArrayList<>();
        for (JudgeProvider p : ServiceLoader.load(JudgeProvider.class)) {
            if (p.getClass() == provider().getClass()) {
                found.add(p.scheme());
            }
        }
        assertThat(found).as("declare it in module-info (provides) and META-INF/services").containsExactly(scheme);
    }

    @Test
    void model_knowsItsUri() {
        assertThat(model().modelUri()).isEqualTo(modelUri());
    }

    @Test
    void answer_isTheTextWithItsTokenCounts() {
        server.enqueue(wire().answer(YES));
        JudgeResponse r = model().complete(request());
        assertThat(r.text()).isEqualTo(YES);
        assertThat(new long[] {r.inputTokens(), r.outputTokens()}).isEqualTo(answerTokens());
        assertThat(r.latency().isNegative()).as("latency %s", r.latency()).isFalse();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void request_isPostedToTheProviderPathWithKeyPromptsAndSchema() {
        server.enqueue(wire().answer(YES));
        model().complete(request());
        RecordedRequest r = server.lastRequest();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo(expectedPath());
        assertAuthenticated(r);
        JsonNode body = body(r);
        assertThat(systemPrompt(body)).isEqualTo(SYSTEM_PROMPT);
        assertThat(userPrompt(body)).isEqualTo(USER_PROMPT);
        assertThat(schema(body).path("properties").path("result").path("enum").toString())
                .isEqualTo("[\"yes\",\"no\"]");
    }

    @Test
    void requestWithoutSchema_asksForFreeText() {
        server.enqueue(wire().answer("yes"));
        JudgeResponse r = model().complete(new JudgeRequest(SYSTEM_PROMPT, USER_PROMPT, null, Map.of()));
        assertThat(r.text()).isEqualTo("yes");
        assertThat(schema(body(server.lastRequest())).isMissingNode()).isTrue();
        assertThat(userPrompt(body(server.lastRequest()))).isEqualTo(USER_PROMPT);
    }

    @Test
    void eachCall_isOneRequest_andTheModelIsReused() {
        server.enqueue(wire().answer(YES), wire().answer(YES), wire().answer(YES));
        JudgeModel model = model();
        for (int i = 0; i < 3; i++) {
            assertThat(model.complete(request()).text()).isEqualTo(YES);
        }
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void rateLimited_isRateLimitedWithTheServersRetryAfterAndMessage_andNotRetried() {
        server.fallback(wire().rateLimited(7));
        JudgeException e = failure(model(), request());
        assertThat(e.kind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.getMessage()).contains(wire().rateLimitedMessage());
        assertThat(server.requestCount()).as("the model never retries: the engine does").isEqualTo(1);
    }

    @Test
    void serverErrors500And503And529_areOverloaded() {
        for (int status : new int[] {500, 503, 529}) {
            server.reset();
            server.fallback(wire().serverError(status));
            JudgeException e = failure(model(), request());
            assertThat(e.kind()).as("HTTP %s", status).isEqualTo(FailureKind.OVERLOADED);
            assertThat(e.httpStatus()).isEqualTo(status);
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // hang guard only
    void slowerThanTheTimeout_isTimeout() {
        server.fallback(wire().answer(YES).delayedBy(Duration.ofSeconds(3)));
        JudgeException e = failure(model(Duration.ofMillis(300)), request());
        assertThat(e.kind()).isEqualTo(FailureKind.TIMEOUT);
    }

    @Test
    void resetConnection_isConnection() {
        server.fallback(ScriptedReply.reset());
        assertThat(failure(model(), request()).kind()).isEqualTo(FailureKind.CONNECTION);
    }

    @Test
    void nothingListening_isConnection() {
        URI closed;
        try (ScriptedHttpServer gone = ScriptedHttpServer.start()) {
            closed = gone.baseUri();
        }
        JudgeModel model = model(Duration.ofSeconds(5), closed);
        assertThat(failure(model, request()).kind()).isIn(FailureKind.CONNECTION, FailureKind.TIMEOUT);
    }

    @Test
    void malformedJsonBody_isUnparseableShowingTheBody() {
        server.fallback(ScriptedReply.json("{\"id\": \"answer-1\", \"choices\": [{\"mess"));
        JudgeException e = failure(model(), request());
        assertThat(e.kind()).isEqualTo(FailureKind.UNPARSEABLE);
        assertThat(e.getMessage()).contains("answer-1");
    }

    @Test
    void jsonWithoutAnAnswer_isUnparseable() {
        server.fallback(ScriptedReply.json("{\"unexpected\": true}"));
        assertThat(failure(model(), request()).kind()).isEqualTo(FailureKind.UNPARSEABLE);
    }

    @Test
    void refusal_isContentRefused() {
        server.fallback(wire().refusal());
        JudgeException e = failure(model(), request());
        assertThat(e.kind()).isEqualTo(FailureKind.CONTENT_REFUSED);
        assertThat(e.retryable()).isFalse();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void truncatedAnswer_isUnparseable_neverAPartialAnswer() {
        server.fallback(wire().truncated());
        assertThat(failure(model(), request()).kind()).isEqualTo(FailureKind.UNPARSEABLE);
    }

    @Test
    void unauthorized_isAuthWithTheProvidersMessage_andNeverTheKey() {
        server.fallback(wire().unauthorized());
        JudgeModel model = model();
        JudgeException e = failure(model, request());
        assertThat(e.kind()).isEqualTo(FailureKind.AUTH);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage()).contains(wire().unauthorizedMessage()).doesNotContain(SECRET);
        assertThat(model.toString()).doesNotContain(SECRET);
    }

    @Test
    void forbidden403_isAuth() {
        server.fallback(ScriptedReply.json(403, "{\"error\": {\"message\": \"no access to this model\"}}"));
        assertThat(failure(model(), request()).kind()).isEqualTo(FailureKind.AUTH);
    }

    @Test
    void serverEchoingTheKeyInItsError_isRedacted() {
        server.fallback(ScriptedReply.json(401, "{\"error\": {\"message\": \"Incorrect API key provided: " + SECRET
                + "\"}, \"message\": \"Incorrect API key provided: " + SECRET + "\"}"));
        JudgeException e = failure(model(), request());
        assertThat(e.kind()).isEqualTo(FailureKind.AUTH);
        assertThat(e.getMessage()).contains("Incorrect API key provided").doesNotContain(SECRET);
    }

    @Test
    void badRequest400And404_areBadRequest_withTheProvidersMessage() {
        for (int status : new int[] {400, 404, 422}) {
            server.reset();
            server.fallback(ScriptedReply.json(status, "{\"error\": {\"message\": \"no such model: nope-" + status
                    + "\"}, \"message\": \"no such model: nope-" + status + "\"}"));
            JudgeException e = failure(model(), request());
            assertThat(e.kind()).as("HTTP %s", status).isEqualTo(FailureKind.BAD_REQUEST);
            assertThat(e.getMessage()).contains("nope-" + status);
            assertThat(e.retryable()).isFalse();
        }
    }

    @Test
    void schemaRefused_isAskedAgainInPlainText_andRemembered() {
        server.enqueue(wire().schemaRefused(), wire().answer(YES), wire().answer(YES));
        JudgeModel model = model();
        assertThat(model.complete(request()).text()).isEqualTo(YES);
        List<RecordedRequest> rs = server.requests();
        assertThat(rs).hasSize(2);
        assertThat(schema(body(rs.get(0))).isMissingNode()).as("first request with the schema").isFalse();
        assertThat(schema(body(rs.get(1))).isMissingNode()).as("asked again without it").isTrue();
        assertThat(model.complete(request()).text()).isEqualTo(YES);
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(schema(body(server.lastRequest())).isMissingNode()).as("remembered: no schema").isTrue();
    }

    @Test
    void missingSetting_failsAtCreationNamingIt() {
        for (String key : requiredSettings()) {
            Map<String, String> settings = new HashMap<>(environment(server.baseUri()));
            settings.remove(key);
            assertThatThrownBy(() -> provider().create(modelUri(), new JudgeConfig(settings)))
                    .as("without %s", key).isInstanceOf(InvalidInputException.class).hasMessageContaining(key)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        }
    }

    @Test
    void uriWithoutModel_failsAtCreation() {
        String scheme = modelUri().substring(0, modelUri().indexOf(':'));
        assertThatThrownBy(() -> provider().create(scheme + ":/", new JudgeConfig(environment(server.baseUri()))))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // hang guard only
    void manyConcurrentCallsAmidFaults_eachEndAsAnAnswerOrAJudgeException() throws Exception {
        ScriptedReply[] faults = {wire().serverError(500), wire().rateLimited(0), ScriptedReply.reset(),
                ScriptedReply.json("not json"), wire().refusal(), wire().unauthorized(), wire().serverError(529),
                wire().truncated()};
        for (int i = 0; i < 32; i++) {
            server.enqueue(i % 2 == 0 ? faults[(i / 2) % faults.length] : wire().answer(YES));
        }
        server.fallback(wire().answer(YES));
        JudgeModel model = model();
        List<Future<Object>> results = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    try {
                        return model.complete(request());
                    } catch (JudgeException e) {
                        return e;
                    }
                }));
            }
            int answers = 0;
            for (Future<Object> r : results) {
                Object o = r.get(4, TimeUnit.MINUTES);
                if (o instanceof JudgeResponse answer) {
                    assertThat(answer.text()).isEqualTo(YES);
                    answers++;
                } else {
                    assertThat(o).isInstanceOf(JudgeException.class);
                }
            }
            assertThat(answers).isGreaterThanOrEqualTo(16);
        }
    }
}
