package dev.vigil.python;

import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.testkit.judge.ScorerCodecConformanceSuite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The published codec kit over {@link PythonScorerCodec}, decoding into the tests' shared sandbox. */
class PythonScorerCodecConformanceTest extends ScorerCodecConformanceSuite {
    @Override
    protected ScorerCodec codec() {
        return new PythonScorerCodec();
    }

    @Override
    protected Scorer decode(String name, ScorerDefinition definition) {
        return new PythonScorerCodec().decode(name, definition, TestSandboxes.sandbox());
    }

    @Override
    protected Map<String, ScorerDefinition> validDefinitions() {
        Map<String, ScorerDefinition> out = new LinkedHashMap<>();
        out.put("response_length", TestSandboxes.scorer("response_length", SeedScorersTest.RESPONSE_LENGTH,
                Isolation.IN_PROCESS).definition());
        out.put("is_short", new ScorerDefinition("python", Map.of("source",
                "def is_short(outputs):\n    return len(str(outputs)) < 100\n", "isolation", "in_process")));
        return out;
    }

    @Override
    protected List<ScorerDefinition> invalidDefinitions() {
        return List.of(
                new ScorerDefinition("python", Map.of()),
                new ScorerDefinition("python", Map.of("source", "def f(:")),
                new ScorerDefinition("python", Map.of("source", SeedScorersTest.RESPONSE_LENGTH, "aggregations", "mean")),
                new ScorerDefinition("python", Map.of("source", SeedScorersTest.RESPONSE_LENGTH, "isolation", "moon")));
    }
}
