package dev.vigil.cli;

import dev.vigil.core.scorer.CodeScorer;
import dev.vigil.spi.scorer.ScorerInput;

/** A trivial Java code scorer stored by class name, so that {@code vigil serve} builds it from the store. */
public final class OutputIsAnswer implements CodeScorer {

    /** For the codec. */
    public OutputIsAnswer() {}

    @Override
    public Object score(ScorerInput in) {
        return in.outputText().contains("answer ");
    }
}
