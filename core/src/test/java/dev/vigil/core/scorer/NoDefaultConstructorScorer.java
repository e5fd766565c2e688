package dev.vigil.core.scorer;

import dev.vigil.spi.scorer.ScorerInput;

/** A scorer class the codec must refuse: no no-arg constructor. */
public class NoDefaultConstructorScorer implements CodeScorer {

    private final int factor;

    /** @param factor unused */
    public NoDefaultConstructorScorer(int factor) {
        this.factor = factor;
    }

    @Override
    public Object score(ScorerInput input) {
        return factor;
    }
}
