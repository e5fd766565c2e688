package dev.vigil.kafka;

import dev.vigil.core.scorer.CodeScorer;
import dev.vigil.spi.scorer.ScorerInput;

/** A second trivial code scorer (two scorers per trace in the scale-out test). */
public final class Answered implements CodeScorer {

    /** For the codec. */
    public Answered() {}

    @Override
    public Object score(ScorerInput in) {
        return in.outputText().startsWith("\"answer");
    }
}
