package dev.vigil.kafka;

import dev.vigil.core.scorer.CodeScorer;
import dev.vigil.spi.scorer.ScorerInput;

/** A trivial code scorer, registered by class so that child engine processes can load it from the store. */
public final class AnswerLength implements CodeScorer {

    /** For the codec. */
    public AnswerLength() {}

    @Override
    public Object score(ScorerInput in) {
        return in.outputText().length();
    }
}
