package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.judge.JudgeResponse;
import dev.vigil.spi.scorer.Feedback;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JudgeRuntimeTest {
    static final String SECRET = "sk-live-DO-NOT-PRINT";

    @Test
    void unknownScheme_listsTheKnownSchemes() {
        JudgeRuntime rt = JudgeRuntime.builder().environment(Map.of()).build();
        assertThatThrownBy(() -> Judges.safety().model("bedrock:/claude").runtime(rt).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'bedrock'")
                .hasMessageContaining("anthropic, databricks, gateway, gemini, openai");
    }

    @Test
    void noModelConfigured_saysToSetVigilJudgeModel() {
        JudgeRuntime rt = JudgeRuntime.builder().environment(Map.of()).build();
        assertThatThrownBy(() -> Judges.safety().runtime(rt).build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("VIGIL_JUDGE_MODEL");
    }

    @Test
    void defaultModel_isReadFromVigilJudgeModel() {
        JudgeRuntime rt = JudgeRuntime.builder()
                .environment(Map.of("VIGIL_JUDGE_MODEL", "databricks:/databricks-gpt-oss-20b")).build();
        assertThat(Judges.safety().runtime(rt).build().modelUri()).isEqualTo("databricks:/databricks-gpt-oss-20b");
    }

    @Test
    void uriWithoutModelName_isRejected() {
        JudgeRuntime rt = JudgeRuntime.builder().environment(Map.of()).build();
        assertThatThrownBy(() -> rt.resolveModel("openai:/")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("names no model");
        assertThatThrownBy(() -> rt.resolveModel("gpt-4o")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("scheme:/model");
    }

    @Test
    void missingKey_namesTheVariableAndCheckFailsEarly() {
        JudgeRuntime rt = JudgeRuntime.builder().environment(Map.of()).build();
        LlmJudge judge = Judges.safety().model("anthropic:/claude-sonnet-4-5").runtime(rt).build();
        assertThatThrownBy(judge::check).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("ANTHROPIC_API_KEY");
        Feedback f = (Feedback) judge.score(TestTraces.input());
        assertThat(f.error().code()).isEqualTo("CONFIG");
        assertThat(f.error().message()).contains("ANTHROPIC_API_KEY");
    }

    @Test
    void keys_neverShowInToStringOrConfig() {
        JudgeRuntime rt = JudgeRuntime.builder().environment(Map.of("OPENAI_API_KEY", SECRET))
                .setting("ANTHROPIC_API_KEY", SECRET).build();
        assertThat(rt.toString()).doesNotContain(SECRET);
        assertThat(new JudgeConfig(Map.of("OPENAI_API_KEY", SECRET)).toString()).doesNotContain(SECRET);
        LlmJudge j = Judges.safety().model("openai:/gpt-4o-mini").runtime(rt).build().check();
        assertThat(j.toString() + j.definition()).doesNotContain(SECRET);
    }

    @Test
    void builder_rejectsBadSettingsSayingWhatIsAllowed() {
        assertThatThrownBy(() -> JudgeRuntime.builder().timeout(Duration.ZERO)).hasMessageContaining("> 0");
        assertThatThrownBy(() -> JudgeRuntime.builder().cache(0, Duration.ofMinutes(1))).hasMessageContaining("cache(false)");
    }

    @Test
    void cacheEntries_expireAfterTheirAge() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        CountingProvider provider = new CountingProvider();
        JudgeRuntime rt = JudgeRuntime.builder().environment(Map.of()).provider(provider).nanoTime(clock::get)
                .cache(100, Duration.ofMinutes(10)).build();
        JudgeRequest req = new JudgeRequest(null, "same prompt", null, null);
        assertThat(rt.complete("fake:/m", req).cached()).isFalse();
        assertThat(rt.complete("fake:/m", req).cached()).isTrue();
        clock.addAndGet(Duration.ofMinutes(11).toNanos());
        assertThat(rt.complete("fake:/m", req).cached()).isFalse();
        assertThat(provider.calls).isEqualTo(2);
    }

    @Test
    void providerThrowingAnUnexpectedException_propagatesToTheReliabilityLayer() {
        JudgeProvider broken = new JudgeProvider() {
            @Override public String scheme() { return "fake"; }
            @Override public JudgeModel create(String uri, JudgeConfig config) {
                return new JudgeModel() {
                    @Override public String modelUri() { return uri; }
                    @Override public JudgeResponse complete(JudgeRequest r) { throw new IllegalStateException("boom"); }
                };
            }
        };
        JudgeRuntime rt = JudgeRuntime.builder().environment(Map.of()).provider(broken).build();
        LlmJudge judge = Judges.safety().model("fake:/m").runtime(rt).build();
        assertThatThrownBy(() -> judge.score(TestTraces.input())).isInstanceOf(IllegalStateException.class)
                .hasMessage("boom");
        assertThat(rt.stats().calls()).isEqualTo(1);
    }

    static final class CountingProvider implements JudgeProvider {
        int calls;

        @Override public String scheme() { return "fake"; }

        @Override public JudgeModel create(String uri, JudgeConfig config) {
            return new JudgeModel() {
                @Override public String modelUri() { return uri; }
                @Override public JudgeResponse complete(JudgeRequest r) {
                    synchronized (CountingProvider.this) {
                        calls++;
                    }
                    return new JudgeResponse("{\"result\":\"yes\",\"rationale\":\"ok\"}", "stop", 3, 2, Duration.ZERO);
                }
            };
        }
    }
}
