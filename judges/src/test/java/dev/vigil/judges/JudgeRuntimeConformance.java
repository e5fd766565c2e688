package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.engine.internal.Outcome;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.testkit.judge.JudgeProviderConformanceSuite;
import dev.vigil.testkit.http.RecordedRequest;
import dev.vigil.testkit.http.ScriptedReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the judge runtime adds around every provider, tested over each built-in provider's wire on loopback:
 * verdicts as feedback, the cache, accounting and meters, and every fault scored through the engine's one
 * reliability layer ({@link ScorerRunner}), as the engine, backfill and {@code evaluate} do: retries, Retry-After,
 * the circuit breaker and the adaptive rate live there, not in the judge. The provider-level protocol (request,
 * answer, failure kinds) is the published kit this class extends, {@link JudgeProviderConformanceSuite}.
 */
abstract class JudgeRuntimeConformance extends JudgeProviderConformanceSuite {

    List<Duration> pauses;
    AtomicLong clock;
    ScorerRunner runner;
    Outcome last;

    @BeforeEach
    void startRunner() {
        pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
        clock = new AtomicLong(1_000_000_000L);
        runner = runner(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10), 0.5));
    }

    @AfterEach
    void stopRunner() {
        runner.close();
    }

    ScorerRunner runner(RetryPolicy retry) {
        return new ScorerRunner(retry, Map.of(), ProviderLimit.DEFAULT, pauses::add, System::nanoTime, () -> 0.5);
    }

    /** Scores through the reliability layer, as the engine does; {@link #last} holds the outcome. */
    Feedback run(LlmJudge judge) {
        last = runner.run(judge, judge.name(), TestTraces.input(), Duration.ofSeconds(60));
        return last.feedback().get(0);
    }

    JudgeRuntime.Builder runtime() {
        return JudgeRuntime.builder().environment(environment(server.baseUri())).nanoTime(clock::get)
                .timeout(Duration.ofSeconds(5));
    }

    LlmJudge safety(JudgeRuntime runtime) {
        return Judges.safety().model(modelUri()).runtime(runtime).build();
    }

    static Feedback score(LlmJudge judge) {
        return (Feedback) judge.score(TestTraces.input());
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
                .containsEntry(LlmJudge.META_CACHED, "false")
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
        Feedback f = run(safety(runtime().build()));
        assertThat(f.value()).isEqualTo("yes");
        assertThat(last.attempts()).isEqualTo(2);
        assertThat(pauses).contains(Duration.ofSeconds(2)).allSatisfy(d ->
                assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void rateLimited_isThrownTypedWithTheServersRetryAfter() {
        server.fallback(wire().rateLimited(7));
        LlmJudge judge = safety(runtime().build());
        assertThatThrownBy(() -> judge.score(TestTraces.input())).isInstanceOfSatisfying(JudgeException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.RATE_LIMITED);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        });
        assertThat(server.requestCount()).as("the judge itself never retries").isEqualTo(1);
    }

    @Test
    void rateLimitedEveryTime_endsAsTransientRateLimitedFailureWithTheProvidersMessage() {
        server.fallback(wire().rateLimited(1));
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("RATE_LIMITED");
        assertThat(f.error().message()).contains(wire().rateLimitedMessage()).contains("429");
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(last.attempts()).isEqualTo(3);
        assertThat(last.transientFailure()).isTrue();
    }

    @Test
    void rateLimited_slowsThatProviderOnly() {
        server.enqueue(wire().rateLimited(0), wire().answer(YES));
        LlmJudge judge = safety(runtime().build());
        run(judge);
        String provider = ScorerRunner.providerOf(judge);
        assertThat(runner.currentRate(provider)).isLessThan(ProviderLimit.DEFAULT.permitsPerSecond());
        assertThat(runner.currentRate("some-other-provider")).isEqualTo(ProviderLimit.DEFAULT.permitsPerSecond());
    }

    @Test
    void retryAfterLongerThanTheImmediateRetries_failsAtOnce() {
        server.enqueue(wire().rateLimited(3600));
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("RATE_LIMITED");
        assertThat(f.error().message()).contains("Retry-After 3600 s");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void serverErrors500And503And529_areRetriedWithJitteredBackoff() {
        for (int status : new int[] {500, 503, 529}) {
            server.reset();
            server.enqueue(wire().serverError(status), wire().answer(YES));
            Feedback f = run(safety(runtime().build()));
            assertThat(f.value()).as("after %s", status).isEqualTo("yes");
            assertThat(server.requestCount()).isEqualTo(2);
        }
        assertThat(pauses).hasSize(3).allSatisfy(d ->
                assertThat(d).isBetween(Duration.ofMillis(50), Duration.ofMillis(150)));
    }

    @Test
    void serverErrorEveryTime_endsAsOverloadedWithStatus() {
        server.fallback(wire().serverError(503));
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("OVERLOADED");
        assertThat(f.error().message()).contains("HTTP 503");
        assertThat(pauses).hasSize(2);
        assertThat(pauses.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES) // hang guard only
    void slowerThanTheTimeout_endsAsTimeoutAfterRetries() {
        ScriptedReply slow = wire().answer(YES).delayedBy(Duration.ofSeconds(3));
        server.enqueue(slow, slow);
        runner = runner(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(10), 0));
        Feedback f = run(safety(runtime().timeout(Duration.ofMillis(500)).build()));
        assertThat(f.error().code()).isEqualTo("TIMEOUT");
        assertThat(f.error().message()).contains("500 ms");
        assertThat(last.attempts()).isEqualTo(2);
        // The second attempt may time out before the server has even read it on a loaded machine.
        assertThat(server.requestCount()).isBetween(1, 2);
        assertThat(pauses).hasSize(1);
    }

    @Test
    void resetConnection_isRetried() {
        server.enqueue(ScriptedReply.reset(), wire().answer(YES));
        Feedback f = run(safety(runtime().build()));
        assertThat(f.value()).isEqualTo("yes");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void resetEveryTime_endsAsConnectionFailure() {
        server.fallback(ScriptedReply.reset());
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("CONNECTION");
    }

    @Test
    void malformedJsonBody_isRetriedThenEndsAsUnparseable() {
        server.fallback(ScriptedReply.json("{\"id\": \"chatcmpl-1\", \"choices\": [{\"mess"));
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("UNPARSEABLE");
        assertThat(f.error().message()).contains("not a JSON object").contains("chatcmpl-1");
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(last.transientFailure()).isFalse();
    }

    @Test
    void refusal_endsAsContentRefusedWithoutRetry() {
        server.fallback(wire().refusal());
        Feedback f = run(safety(runtime().build()));
        assertThat(f.error().code()).isEqualTo("CONTENT_REFUSED");
        assertThat(f.error().message()).contains("refused");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void finishReasonLength_isRetriedThenEndsAsUnparseable() {
        server.fallback(wire().truncated());
        Feedback f = run(safety(runtime().cache(false).build()));
        assertThat(f.error().code()).isEqualTo("UNPARSEABLE");
        assertThat(f.error().message()).contains("token limit");
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void answerWithoutResult_isAnErrorShowingTheAnswer_neverADefaultValue() {
        server.fallback(wire().answer("{\"rationale\": \"I think it is fine\"}"));
        Feedback f = run(safety(runtime().cache(false).build()));
        assertThat(f.value()).isNull();
        assertThat(f.error().code()).isEqualTo("UNPARSEABLE");
        assertThat(f.error().message()).contains("no \"result\"").contains("I think it is fine");
    }

    @Test
    void answerWithAnUnknownResult_isAnErrorListingTheAllowedValues() {
        server.fallback(wire().answer("{\"rationale\": \"hmm\", \"result\": \"maybe\"}"));
        Feedback f = run(safety(runtime().cache(false).build()));
        assertThat(f.error().code()).isEqualTo("UNPARSEABLE");
        assertThat(f.error().message()).contains("\"maybe\"").contains("[yes, no]").contains("hmm");
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
        Feedback f = run(judge);
        assertThat(f.error().code()).isEqualTo("AUTH");
        assertThat(last.authFailure()).isTrue();
        assertThat(f.error().message()).contains(wire().unauthorizedMessage()).contains("401");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(f.toString() + f.error() + rt + judge + judge.definition()).doesNotContain(SECRET);
    }

    @Test
    void serverEchoingTheKey_inItsError_isRedacted() {
        server.fallback(ScriptedReply.json(401, "{\"error\": {\"message\": \"Incorrect API key provided: " + SECRET
                + "\"}}"));
        Feedback f = run(safety(runtime().build()));
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
    void failingEndpoint_opensTheProvidersBreaker_andFurtherCallsAreNotSent() {
        server.fallback(wire().serverError(500));
        runner = runner(RetryPolicy.NONE);
        LlmJudge judge = safety(runtime().cache(false).build());
        for (int i = 0; i < 10; i++) {
            assertThat(run(judge).error().code()).isEqualTo("OVERLOADED");
        }
        Feedback refused = run(judge);
        assertThat(refused.error().code()).isEqualTo("OVERLOADED");
        assertThat(refused.error().message()).contains("circuit open");
        assertThat(last.transientFailure()).isTrue();
        assertThat(server.requestCount()).isEqualTo(10);
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
        JudgeRuntime rt = runtime().cache(false).build();
        LlmJudge judge = safety(rt);
        List<java.util.concurrent.Future<Object>> results = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> runner.run(judge, judge.name(), TestTraces.input(),
                        Duration.ofSeconds(60)).feedback().get(0)));
            }
            int ok = 0;
            int errors = 0;
            for (var r : results) {
                Feedback f = (Feedback) r.get(5, java.util.concurrent.TimeUnit.MINUTES);
                if (f.isError()) {
                    errors++;
                    assertThat(f.error().code()).isIn("CONTENT_REFUSED", "AUTH", "UNPARSEABLE", "OVERLOADED",
                            "RATE_LIMITED", "CONNECTION");
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
    void stats_countCallsFailuresAndTokens() {
        server.enqueue(wire().serverError(500), wire().answer(YES), wire().unauthorized());
        JudgeRuntime rt = runtime().cache(false).build();
        run(safety(rt));
        run(safety(rt));
        JudgeStats s = rt.stats();
        assertThat(s.calls()).isEqualTo(3);
        assertThat(s.failures()).isEqualTo(2);
        assertThat(s.inputTokens()).isEqualTo(answerTokens()[0]);
    }
}
