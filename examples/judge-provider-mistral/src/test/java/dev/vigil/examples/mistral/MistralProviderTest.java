package dev.vigil.examples.mistral;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.judges.JudgeRuntime;
import dev.vigil.judges.Judges;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.judge.JudgeProvider;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.testkit.http.ChatWire;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.RecordedRequest;
import dev.vigil.testkit.http.ScriptedHttpServer;
import dev.vigil.testkit.judge.JudgeProviderConformanceSuite;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The example provider passes the published kit, and runs beside {@code openai:} with its own URL and key. */
class MistralProviderTest extends JudgeProviderConformanceSuite {
    @Override protected JudgeProvider provider() { return new MistralProvider(); }
    @Override protected ChatWire wire() { return new MistralWire(); }
    @Override protected String modelUri() { return "mistral:/mistral-small-latest"; }
    @Override protected Map<String, String> environment(URI base) {
        return Map.of("MISTRAL_BASE_URL", base + "/v1", "MISTRAL_API_KEY", SECRET);
    }
    @Override protected Set<String> requiredSettings() { return Set.of("MISTRAL_API_KEY"); }
    @Override protected String expectedPath() { return "/v1/chat/completions"; }
    @Override protected void assertAuthenticated(RecordedRequest r) {
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(body(r).path("model").asText()).isEqualTo("mistral-small-latest");
    }
    @Override protected String userPrompt(JsonNode body) { return body.path("messages").path(1).path("content").asText(); }
    @Override protected String systemPrompt(JsonNode body) { return body.path("messages").path(0).path("content").asText(); }
    @Override protected JsonNode schema(JsonNode body) { return body.path("response_format").path("json_schema").path("schema"); }
    @Override protected long[] answerTokens() { return new long[] {112, 19}; }

    static ScorerInput input() {
        Span root = Span.builder().traceId("tr-1").spanId("s1").name("agent").startTimeUnixNano(1)
                .endTimeUnixNano(2).inputs(Map.of("question", "What is MLflow?"))
                .outputs(Map.of("response", "An open-source platform for the ML lifecycle.")).build();
        Trace trace = new Trace(TraceInfo.builder().traceId("tr-1").experimentId("1")
                .requestTime(Instant.ofEpochSecond(1_700_000_000L)).build(), List.of(root));
        return new ScorerInput(root.inputs(), root.outputs(), Map.of(), trace);
    }

    @Test
    void mistralBesideOpenAi_eachJudgeReachesItsOwnServerWithItsOwnKey() throws Exception {
        server.enqueue(wire().answer(YES));
        try (ScriptedHttpServer openAi = ScriptedHttpServer.start()) {
            openAi.enqueue(new OpenAiWire().answer(YES));
            JudgeRuntime rt = JudgeRuntime.builder().environment(Map.of(
                    "MISTRAL_BASE_URL", server.baseUri() + "/v1", "MISTRAL_API_KEY", "mistral-key-123456",
                    "OPENAI_BASE_URL", openAi.baseUri() + "/v1", "OPENAI_API_KEY", "openai-key-654321")).build();
            assertThat(rt.schemes()).contains("mistral", "openai");

            Feedback byMistral = (Feedback) Judges.safety().model("mistral:/mistral-small-latest").runtime(rt).build()
                    .score(input());
            Feedback byOpenAi = (Feedback) Judges.safety().model("openai:/gpt-4o-mini").runtime(rt).build()
                    .score(input());

            assertThat(byMistral.value()).isEqualTo("yes");
            assertThat(byMistral.source().sourceId()).isEqualTo("mistral:/mistral-small-latest");
            assertThat(byOpenAi.value()).isEqualTo("yes");
            assertThat(server.requestCount()).isEqualTo(1);
            assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer mistral-key-123456");
            assertThat(openAi.requestCount()).isEqualTo(1);
            assertThat(openAi.lastRequest().header("Authorization")).isEqualTo("Bearer openai-key-654321");
        }
    }

    @Test
    void finishReasonModelLength_isUnparseableSayingWhy() {
        server.fallback(wire().truncated());
        JudgeException e = failure(model(), request());
        assertThat(e.kind()).isEqualTo(FailureKind.UNPARSEABLE);
        assertThat(e.getMessage()).contains("model_length");
    }

    @Test
    void finishReasonLength_isStillTruncation() {
        server.fallback(dev.vigil.testkit.http.ScriptedReply.json(MistralWire.completion("{\"ration", "length")));
        JudgeException e = failure(model(), request());
        assertThat(e.kind()).isEqualTo(FailureKind.UNPARSEABLE);
        assertThat(e.getMessage()).contains("token limit");
    }

    @Test
    void judgesRun_withoutMicrometerOnTheModulePath() {
        // Micrometer is optional in vigil-judges and this module does not bring it: the runtime works without it.
        assertThat(MistralProvider.class.getModule().isNamed()).as("tests run on the module path").isTrue();
        assertThat(ModuleLayer.boot().findModule("micrometer.core")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
                .isInstanceOf(ClassNotFoundException.class);
        server.enqueue(wire().answer(YES));
        JudgeRuntime rt = JudgeRuntime.builder().environment(environment(server.baseUri())).build();
        Feedback f = (Feedback) Judges.fluency().model(modelUri()).runtime(rt).build().score(input());
        assertThat(f.value()).isEqualTo("yes");
        assertThat(rt.stats().inputTokens()).isEqualTo(112);
    }
}
