package dev.vigil.cli;

import dev.vigil.core.scorer.CodeScorer;
import dev.vigil.spi.scorer.ScorerInput;

/**
 * The blocker of issue #20 as a Java scorer: it returns a 50 MB string (GraalPy builds one too slowly for its time
 * budget on a loaded machine). Public with a no-arg constructor: the command loads it by class name.
 */
public final class HugeResultScorer implements CodeScorer {

    /** The size of the result: 50 MiB of characters. */
    static final int SIZE = 50 * 1024 * 1024;

    @Override
    public Object score(ScorerInput input) {
        return "x".repeat(SIZE);
    }
}
