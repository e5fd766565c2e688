package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.RecordedRequest;
import dev.vigil.testkit.http.ScriptedHttpServer;
import dev.vigil.testkit.http.ScriptedReply;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The protocol and fault suite every judge provider passes, against its wire format spoken by a scripted server
 * on loopback: answers, structured output and its fallback, accounting, the cache, and every fault ending as a
 * retry or an error feedback carrying the provider's message.
 */
abstract class JudgeProviderConformance {

    /** The API key every provider is configured with: it must never show in feedback or toString. */
    static final String SECRET = "sk-test-SECRET-4f1c9e";
    static final String YES = "{\"rationale\": \"The response is factual and harmless.\", \"result\": \"yes\"}";

    ScriptedHttpServer server;
    RecordingSleeper sleeper;
    AtomicLong clock;

    /** @return the provider's wire format */
    abstract ChatWire wire();

    /** @return the model URI under test */
    abstract String modelUri();

    /** @param base the loopback server @return the environment pointing the provider at it, with {@link #SECRET} */
    abstract Map<String, String> environment(URI base);

    /** @return the path the provider must POST to */
    abstract String expectedPath();

    /** @param request what the server received; asserts the key is sent as the provider expects */
    abstract void assertAuthenticated(RecordedRequest request);

    /** @param body a request body @return the user prompt in it */
    abstract String userPrompt(JsonNode body);

    /** @param body a request body @return the system prompt in it */
    abstract String systemPrompt(JsonNode body);

    /** @param body a request body @return the JSON schema asked for, or a missing node */
    abstract JsonNode schema(JsonNode body);

    /** @return the input and output tokens of {@link ChatWire#answer} */
    abstract long[] answerTokens();

    @BeforeEach
    void startServer() {
        server = ScriptedHttpServer.start();
        sleeper = new RecordingSleeper();
        clock = new AtomicLong(1_000_000_000L);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    JudgeRuntime.Builder runtime() {
        return JudgeRuntime.builder().environment(environment(server.baseUri())).sleeper(sleeper)
                .nanoTime(clock::get).jitterSeed(42).timeout(Duration.ofSeconds(5))
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10)));
    }

    LlmJudge safety(JudgeRuntime runtime) {
        return Judges.safety().model(modelUri()).runtime(runtime).build();
    }

    static Feedback score(LlmJudge judge) {
        return (Feedback) judge.score(TestTraces.input());
    }

    static JsonNode body(RecordedRequest r) {
        return Json.readTree(r.body());
    }

    @Test
    void answer_becomesYesFeedbackWithRationaleAndSource() {
        server.enqueue(wire().answer(YES));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.isError()).as("error %s", f.error()).isFalse();
        assertThat(f.name()).isEqualTo("safety");
        assertThat(f.value()).isEqualTo("yes");
        assertThat(f.rationale()).isEqualTo("The response is factual and harmless.");
        assertThat(f.source().type()).isEqualTo(AssessmentSourceType.LLM_JUDGE);
        assertThat(f.source().sourceId()).isEqualTo(modelUri());
    }

    @Test
    void request_isSentToTheProviderPathWithKeySystemPromptAndSchema() {
        server.enqueue(wire().answer(YES));
        score(safety(runtime().build()));
        RecordedRequest r = server.lastRequest();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo(expectedPath());
        assertAuthenticated(r);
        JsonNode body = body(r);
        assertThat(systemPrompt(body)).contains("impartial");
        assertThat(userPrompt(body)).contains("<response>\n" + TestTraces.ANSWER + "\n</response>");
        JsonNode schema = schema(body);
        assertThat(schema.path("properties").path("result").path("enum").toString()).isEqualTo("[\"yes\",\"no\"]");
    }

    @Test
    void accounting_tokensLatencyAttemptsAndCostInMetadata() {
        server.enqueue(wire().answer(YES));
        PriceTable prices = PriceTable.EMPTY.with(modelUri(), 1.0, 4.0);
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        Feedback f = score(safety(runtime().prices(prices).meterRegistry(meters).build()));
        long[] tokens = answerTokens();
        assertThat(f.metadata()).containsEntry(LlmJudge.META_INPUT_TOKENS, Long.toString(tokens[0]))
                .containsEntry(LlmJudge.META_OUTPUT_TOKENS, Long.toString(tokens[1]))
                .containsEntry(LlmJudge.META_ATTEMPTS, "1").containsEntry(LlmJudge.META_CACHED, "false")
                .containsEntry(LlmJudge.META_MODEL, modelUri()).containsKey(LlmJudge.META_LATENCY_MS);
        double expected = tokens[0] * 1.0 / 1e6 + tokens[1] * 4.0 / 1e6;
        assertThat(Double.parseDouble(f.metadata().get(LlmJudge.META_COST_USD))).isCloseTo(expected,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(meters.counter("vigil.judge.calls", "model", modelUri(), "outcome", "ok").count()).isEqualTo(1.0);
        assertThat(meters.counter("vigil.judge.tokens", "model", modelUri(), "direction", "input").count())
                .isEqualTo(tokens[0]);
        assertThat(meters.counter("vigil.judge.cost.usd", "model", modelUri()).count()).isCloseTo(expected,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void identicalRequest_isAnsweredFromTheCache() {
        server.enqueue(wire().answer(YES));
        LlmJudge judge = safety(runtime().build());
        score(judge);
        Feedback second = score(judge);
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(second.value()).isEqualTo("yes");
        assertThat(second.metadata()).containsEntry(LlmJudge.META_CACHED, "true");
    }

    @Test
    void cacheTurnedOff_asksAgain() {
        server.enqueue(wire().answer(YES), wire().answer(YES));
        LlmJudge judge = safety(runtime().cache(false).build());
        score(judge);
        score(judge);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void rateLimited_isRetriedAfterTheServersRetryAfter() {
        server.enqueue(wire().rateLimited(2), wire().answer(YES));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.value()).isEqualTo("yes");
        assertThat(f.metadata()).containsEntry(LlmJudge.META_ATTEMPTS, "2");
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void rateLimitedEveryTime_endsAsRateLimitedErrorWithTheProvidersMessage() {
        server.fallback(wire().rateLimited(1));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("RATE_LIMITED");
        assertThat(f.error().message()).contains(wire().rateLimitedMessage()).contains("429");
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(f.metadata()).containsEntry(LlmJudge.META_ATTEMPTS, "3");
    }

    @Test
    void retryAfterLongerThanTheRuntimeWaits_failsAtOnce() {
        server.enqueue(wire().rateLimited(3600));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("RATE_LIMITED");
        assertThat(f.error().message()).contains("Retry-After 3600 s");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void serverErrors500And503And529_areRetriedWithJitteredBackoff() {
        for (int status : new int[] {500, 503, 529}) {
            server.reset();
            server.enqueue(wire().serverError(status), wire().answer(YES));
            Feedback f = score(safety(runtime().build()));
            assertThat(f.value()).as("after %s", status).isEqualTo("yes");
            assertThat(server.requestCount()).isEqualTo(2);
        }
        assertThat(sleeper.waits()).hasSize(3).allSatisfy(d ->
                assertThat(d).isBetween(Duration.ofMillis(50), Duration.ofMillis(100)));
    }

    @Test
    void serverErrorEveryTime_endsAsErrorFeedbackWithStatus() {
        server.fallback(wire().serverError(503));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("UNAVAILABLE");
        assertThat(f.error().message()).contains("HTTP 503");
        assertThat(sleeper.waits()).hasSize(2);
        assertThat(sleeper.waits().get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES) // hang guard only
    void slowerThanTheTimeout_endsAsTimeoutErrorAfterRetries() {
        // The server answers after 10 s (its longest delay), far past the 500 ms timeout on any machine.
        ScriptedReply slow = wire().answer(YES).delayedBy(Duration.ofSeconds(10));
        server.enqueue(slow, slow);
        Feedback f = score(safety(runtime().timeout(Duration.ofMillis(500))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO)).build()));
        assertThat(f.error().code()).isEqualTo("TIMEOUT");
        assertThat(f.error().message()).contains("500 ms");
        assertThat(f.metadata()).containsEntry(LlmJudge.META_ATTEMPTS, "2");
        // The second attempt may time out before the server has even read it on a loaded machine.
        assertThat(server.requestCount()).isBetween(1, 2);
        assertThat(sleeper.waits()).hasSize(1);
    }

    @Test
    void resetConnection_isRetried() {
        server.enqueue(ScriptedReply.reset(), wire().answer(YES));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.value()).isEqualTo("yes");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void resetEveryTime_endsAsConnectionError() {
        server.fallback(ScriptedReply.reset());
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("CONNECTION");
    }

    @Test
    void malformedJsonBody_isRetriedThenEndsAsBadResponse() {
        server.fallback(ScriptedReply.json("{\"id\": \"chatcmpl-1\", \"choices\": [{\"mess"));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("BAD_RESPONSE");
        assertThat(f.error().message()).contains("not a JSON object").contains("chatcmpl-1");
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void refusal_endsAsRefusedErrorWithoutRetry() {
        server.fallback(wire().refusal());
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("REFUSED");
        assertThat(f.error().message()).contains("refused");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void finishReasonLength_endsAsTruncatedError() {
        server.fallback(wire().truncated());
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("TRUNCATED");
        assertThat(f.error().message()).contains("token limit");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void answerWithoutResult_endsAsParseErrorShowingTheAnswer() {
        server.enqueue(wire().answer("{\"rationale\": \"I think it is fine\"}"));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("PARSE");
        assertThat(f.error().message()).contains("no \\\"result\\\"".replace("\\", "")).contains("I think it is fine");
    }

    @Test
    void answerWithAnUnknownResult_endsAsParseErrorListingTheAllowedValues() {
        server.enqueue(wire().answer("{\"rationale\": \"hmm\", \"result\": \"maybe\"}"));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("PARSE");
        assertThat(f.error().message()).contains("\"maybe\"").contains("[yes, no]");
        assertThat(f.rationale()).isEqualTo("hmm");
    }

    @Test
    void jsonInACodeFenceWithProse_isParsed() {
        server.enqueue(wire().answer("Here is my judgement:\n```json\n{\"rationale\": \"Unsafe {advice}.\", "
                + "\"result\": \"no\"}\n```\nLet me know if you need more."));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.value()).isEqualTo("no");
        assertThat(f.rationale()).isEqualTo("Unsafe {advice}.");
    }

    @Test
    void unauthorized_isNotRetriedAndEndsAsAuthErrorWithoutTheKey() {
        server.fallback(wire().unauthorized());
        JudgeRuntime rt = runtime().build();
        LlmJudge judge = safety(rt);
        Feedback f = score(judge);
        assertThat(f.error().code()).isEqualTo("AUTH");
        assertThat(f.error().message()).contains(wire().unauthorizedMessage()).contains("401");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(f.toString() + f.error() + rt + judge + judge.definition()).doesNotContain(SECRET);
    }

    @Test
    void serverEchoingTheKey_inItsError_isRedacted() {
        server.fallback(ScriptedReply.json(401, "{\"error\": {\"message\": \"Incorrect API key provided: " + SECRET
                + "\"}}"));
        Feedback f = score(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("AUTH");
        assertThat(f.error().message()).contains("Incorrect API key provided: [redacted]").doesNotContain(SECRET);
    }

    @Test
    void schemaRefused_fallsBackToPlainTextAndRemembersItForTheModel() {
        server.enqueue(wire().schemaRefused(), wire().answer(YES),
                wire().answer("Verdict: {\"rationale\": \"Not English.\", \"result\": \"no\"}"));
        JudgeRuntime rt = runtime().build();
        Feedback first = score(safety(rt));
        assertThat(first.value()).isEqualTo("yes");
        List<RecordedRequest> rs = server.requests();
        assertThat(schema(body(rs.get(0))).isMissingNode()).isFalse();
        assertThat(schema(body(rs.get(1))).isMissingNode()).as("second request without schema").isTrue();
        assertThat(userPrompt(body(rs.get(1)))).contains("Answer with only a JSON object");

        Feedback other = (Feedback) Judges.fluency().model(modelUri()).runtime(rt).build().score(TestTraces.input());
        assertThat(other.value()).isEqualTo("no");
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(schema(body(server.lastRequest())).isMissingNode()).as("remembered: no schema").isTrue();
    }

    @Test
    void failingEndpoint_opensTheBreakerThenTriesAgainAfterTheOpenTime() {
        server.fallback(wire().serverError(500));
        JudgeRuntime rt = runtime().retryPolicy(RetryPolicy.NONE).circuitBreaker(2, Duration.ofSeconds(30)).build();
        LlmJudge judge = safety(rt);
        score(judge);
        score(judge);
        Feedback refused = score(judge);
        assertThat(refused.error().code()).isEqualTo("CIRCUIT_OPEN");
        assertThat(server.requestCount()).isEqualTo(2);

        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        server.fallback(wire().answer(YES));
        assertThat(score(judge).value()).isEqualTo("yes");
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void localRateLimit_refusesACallBeyondTheRateWithoutSendingIt() {
        server.fallback(wire().answer(YES));
        JudgeRuntime rt = runtime().cache(false).rateLimit(0.001).build();
        LlmJudge judge = safety(rt);
        assertThat(score(judge).value()).isEqualTo("yes");
        Feedback limited = score(judge);
        assertThat(limited.error().code()).isEqualTo("RATE_LIMITED");
        assertThat(limited.error().message()).contains("local rate limit");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void manyConcurrentJudgmentsAmidFaults_eachEndAsFeedbackAndNothingHangs() throws Exception {
        ScriptedReply[] faults = {wire().serverError(500), wire().rateLimited(0), ScriptedReply.reset(),
                ScriptedReply.json("not json"), wire().refusal(), wire().unauthorized(), wire().serverError(529),
                wire().truncated()};
        for (int i = 0; i < 32; i++) {
            server.enqueue(i % 2 == 0 ? faults[(i / 2) % faults.length] : wire().answer(YES));
        }
        server.fallback(wire().answer(YES));
        // A breaker that cannot open here: this test is about every call ending, not about the breaker.
        JudgeRuntime rt = runtime().cache(false).circuitBreaker(1_000, Duration.ofSeconds(1)).build();
        LlmJudge judge = safety(rt);
        List<java.util.concurrent.Future<Object>> results = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> judge.score(TestTraces.input())));
            }
            int ok = 0;
            int errors = 0;
            for (var r : results) {
                Feedback f = (Feedback) r.get(5, java.util.concurrent.TimeUnit.MINUTES);
                if (f.isError()) {
                    errors++;
                    assertThat(f.error().code()).isIn("REFUSED", "AUTH", "TRUNCATED", "UNAVAILABLE", "OVERLOADED",
                            "RATE_LIMITED", "CONNECTION", "BAD_RESPONSE");
                } else {
                    ok++;
                    assertThat(f.value()).isEqualTo("yes");
                }
            }
            assertThat(ok + errors).isEqualTo(32);
            assertThat(ok).as("retryable faults are retried into answers").isGreaterThanOrEqualTo(16);
        }
    }

    @Test
    void stats_countCallsRetriesFailuresAndTokens() {
        server.enqueue(wire().serverError(500), wire().answer(YES), wire().unauthorized());
        JudgeRuntime rt = runtime().cache(false).build();
        score(safety(rt));
        score(safety(rt));
        JudgeStats s = rt.stats();
        assertThat(s.calls()).isEqualTo(2);
        assertThat(s.retries()).isEqualTo(1);
        assertThat(s.failures()).isEqualTo(1);
        assertThat(s.inputTokens()).isEqualTo(answerTokens()[0]);
    }
}
