package dev.vigil.storage.jdbc;

import dev.vigil.core.scorer.CodeScorer;
import dev.vigil.spi.scorer.ScorerInput;

/** Scorers the crash tests register by class, so that a restarted engine process rebuilds them. */
public final class CrashScorers {
    private CrashScorers() {}

    /** The length of the outputs' text. */
    public static final class Length implements CodeScorer {
        /** Creates it. */
        public Length() {}

        @Override
        public Object score(ScorerInput input) {
            return input.outputText().length();
        }
    }

    /** A yes/no that takes about a millisecond, to keep work in flight when the engine is killed. */
    public static final class Slowish implements CodeScorer {
        /** Creates it. */
        public Slowish() {}

        @Override
        public Object score(ScorerInput input) throws InterruptedException {
            Thread.sleep(1);
            return input.outputText().length() % 2 == 0 ? "yes" : "no";
        }
    }
}
