package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JudgeCodecTest {
    static final JudgeRuntime RUNTIME = JudgeRuntime.builder().environment(Map.of()).build();
    static final String MODEL = "databricks:/databricks-gpt-oss-20b";

    /** Stores a definition the way a store does: as JSON text, read back. */
    @SuppressWarnings("unchecked")
    static ScorerDefinition throughStorage(ScorerDefinition d) {
        String json = Json.write(Map.of("kind", d.kind(), "config", d.config()));
        Map<String, Object> back = (Map<String, Object>) Json.parse(json);
        return new ScorerDefinition((String) back.get("kind"), (Map<String, Object>) back.get("config"));
    }

    static List<LlmJudge> everyKind() {
        return List.of(
                Judges.safety().model(MODEL).runtime(RUNTIME).name("my_safety_judge").build(),
                Judges.relevanceToQuery().model(MODEL).runtime(RUNTIME).build(),
                Judges.correctness().model(MODEL).runtime(RUNTIME).build(),
                Judges.retrievalGroundedness().model(MODEL).runtime(RUNTIME).build(),
                Judges.retrievalRelevance().model(MODEL).runtime(RUNTIME).build(),
                Judges.retrievalSufficiency().model(MODEL).runtime(RUNTIME).build(),
                Judges.guidelines("english", List.of("The response must be in English")).model(MODEL).runtime(RUNTIME).build(),
                Judges.expectationsGuidelines().model(MODEL).runtime(RUNTIME).build(),
                Judges.completeness().model(MODEL).runtime(RUNTIME).build(),
                Judges.fluency().model("anthropic:/claude-sonnet-4-5").runtime(RUNTIME).parameter("temperature", 0).build(),
                Judges.toolCallCorrectness().model(MODEL).runtime(RUNTIME).build(),
                Judges.toolCallEfficiency().model(MODEL).runtime(RUNTIME).build(),
                Judges.customPrompt("formality", SeedExamplesTest.FORMALITY_PROMPT,
                        Map.of("formal", 1, "semi_formal", 0.5, "not_formal", 0)).model(MODEL).runtime(RUNTIME).build(),
                Judges.customPrompt("politeness", "{{response}} [[polite]] [[rude]]", null).model(MODEL).runtime(RUNTIME).build(),
                Judges.template("cites", "Does {{ outputs }} cite {{ trace }}?", Judges.ValueType.BOOL).model(MODEL)
                        .runtime(RUNTIME).build(),
                Judges.template("tone", "Tone of {{ outputs }}", List.of("warm", "cold")).model(MODEL).runtime(RUNTIME).build());
    }

    @Test
    void everyJudgeKind_comesBackFromStorageEqual() {
        JudgeCodec codec = new JudgeCodec(RUNTIME);
        for (LlmJudge judge : everyKind()) {
            Scorer back = codec.decode(judge.name(), throughStorage(judge.definition()));
            assertThat(back).as(judge.toString()).isEqualTo(judge);
            assertThat(back.definition()).isEqualTo(judge.definition());
            assertThat(back.source()).isEqualTo(judge.source());
        }
    }

    @Test
    void definition_holdsKindModelAndConfiguration() {
        LlmJudge g = Judges.guidelines("english", List.of("The response must be in English")).model(MODEL)
                .runtime(RUNTIME).build();
        assertThat(g.definition().kind()).isEqualTo("judge");
        assertThat(g.definition().config()).containsEntry("judge", "guidelines").containsEntry("model", MODEL)
                .containsEntry("guidelines", List.of("The response must be in English"));
    }

    @Test
    void codec_isDeclaredAsAServiceInModuleInfoAndMetaInfServices() throws Exception {
        // This module does not `use` ScorerCodec (core does), so check the declarations ServiceLoader reads.
        Module m = JudgeCodec.class.getModule();
        if (m.isNamed()) {
            assertThat(m.getDescriptor().provides()).anySatisfy(p -> {
                assertThat(p.service()).isEqualTo(ScorerCodec.class.getName());
                assertThat(p.providers()).containsExactly(JudgeCodec.class.getName());
            });
        }
        try (var in = JudgeCodec.class.getResourceAsStream("/META-INF/services/" + ScorerCodec.class.getName())) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip())
                    .isEqualTo(JudgeCodec.class.getName());
        }
        assertThat(new JudgeCodec().kind()).isEqualTo("judge");
    }

    @Test
    void unknownJudgeKind_isRejectedListingTheKnownOnes() {
        ScorerDefinition d = new ScorerDefinition("judge", Map.of("judge", "toxicity", "model", MODEL));
        assertThatThrownBy(() -> new JudgeCodec(RUNTIME).decode("x", d)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("toxicity").hasMessageContaining("safety").hasMessageContaining("custom_prompt");
    }

    @Test
    void definitionWithoutJudgeKind_isRejected() {
        ScorerDefinition d = new ScorerDefinition("judge", Map.of("model", MODEL));
        assertThatThrownBy(() -> new JudgeCodec(RUNTIME).decode("x", d)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\"judge\"");
    }
}
