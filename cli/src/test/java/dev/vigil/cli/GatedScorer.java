package dev.vigil.cli;

import dev.vigil.core.scorer.CodeScorer;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.concurrent.Semaphore;

/**
 * A code scorer that waits until the test opens its gate, one permit per run; public with a no-arg constructor
 * because the command loads it by class name ({@code --java dev.vigil.cli.GatedScorer}).
 */
public final class GatedScorer implements CodeScorer {

    /** Runs wait here; a test releases permits. */
    static final Semaphore GATE = new Semaphore(0);

    @Override
    public Object score(ScorerInput input) throws InterruptedException {
        GATE.acquire();
        return true;
    }
}
