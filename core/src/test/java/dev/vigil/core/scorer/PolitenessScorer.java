package dev.vigil.core.scorer;

import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.Map;

/** A full {@link Scorer} class for the tests. */
public class PolitenessScorer implements Scorer {

    /** For the codec. */
    public PolitenessScorer() {}

    @Override
    public String name() {
        return "politeness";
    }

    @Override
    public Object score(ScorerInput input) {
        return Feedback.of(input.outputText().contains("please") ? "yes" : "no", "looked for 'please'");
    }

    @Override
    public ScorerDefinition definition() {
        return new ScorerDefinition("java", Map.of("class", PolitenessScorer.class.getName()));
    }
}
