package dev.vigil.core.scorer;

import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.List;

/** A stored-and-rebuilt code scorer for the tests: the length of the outputs' text. */
public class LengthScorer implements CodeScorer {

    /** For the codec. */
    public LengthScorer() {}

    @Override
    public Object score(ScorerInput input) {
        return input.outputText().length();
    }

    @Override
    public List<Aggregation> aggregations() {
        return List.of(Aggregation.MIN, Aggregation.MAX);
    }
}
