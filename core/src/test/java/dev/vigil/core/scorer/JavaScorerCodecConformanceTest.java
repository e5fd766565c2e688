package dev.vigil.core.scorer;

import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.testkit.judge.ScorerCodecConformanceSuite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The published codec kit over {@link JavaScorerCodec}: a {@link CodeScorer} class and a {@code Scorer} class. */
class JavaScorerCodecConformanceTest extends ScorerCodecConformanceSuite {
    @Override
    protected ScorerCodec codec() {
        return new JavaScorerCodec();
    }

    @Override
    protected Map<String, ScorerDefinition> validDefinitions() {
        Map<String, ScorerDefinition> out = new LinkedHashMap<>();
        out.put("length", new ScorerDefinition("java", Map.of("class", LengthScorer.class.getName())));
        out.put("polite", new ScorerDefinition("java", Map.of("class", PolitenessScorer.class.getName())));
        return out;
    }

    @Override
    protected List<ScorerDefinition> invalidDefinitions() {
        return List.of(
                new ScorerDefinition("java", Map.of()),
                new ScorerDefinition("java", Map.of("class", "com.nope.Missing")),
                new ScorerDefinition("java", Map.of("class", "java.lang.String")),
                new ScorerDefinition("java", Map.of("class", NoDefaultConstructorScorer.class.getName())),
                new ScorerDefinition("java", Map.of("lambda", "ScorersTest$$Lambda")));
    }
}
