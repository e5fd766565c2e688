package dev.vigil.judges;

import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.testkit.judge.ScorerCodecConformanceSuite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The published codec kit over {@link JudgeCodec}: every judge kind the codec knows. */
class JudgeCodecConformanceTest extends ScorerCodecConformanceSuite {
    @Override
    protected ScorerCodec codec() {
        return new JudgeCodec(JudgeCodecTest.RUNTIME);
    }

    @Override
    protected Map<String, ScorerDefinition> validDefinitions() {
        Map<String, ScorerDefinition> out = new LinkedHashMap<>();
        JudgeCodecTest.everyKind().forEach(j -> out.put(j.name(), j.definition()));
        return out;
    }

    @Override
    protected List<ScorerDefinition> invalidDefinitions() {
        String model = JudgeCodecTest.MODEL;
        return List.of(
                new ScorerDefinition("judge", Map.of("model", model)),
                new ScorerDefinition("judge", Map.of("judge", "toxicity", "model", model)),
                new ScorerDefinition("judge", Map.of("judge", "custom_prompt", "model", model)),
                new ScorerDefinition("judge", Map.of("judge", "custom_prompt", "model", model,
                        "prompt_template", "{{response}} [[a]] [[b]]", "numeric_values", List.of(1, 2))),
                new ScorerDefinition("judge", Map.of("judge", "template", "model", model,
                        "instructions", "Tone of {{ outputs }}", "labels", "warm")),
                new ScorerDefinition("judge", Map.of("judge", "guidelines", "model", model)),
                new ScorerDefinition("judge", Map.of("judge", "safety", "model", "nosuchscheme:/x")));
    }
}
