package dev.vigil.server;

import dev.vigil.core.scorer.CodeScorer;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;

/** Java scorers registered by class name through the API in tests (public, no-arg, in an exported package). */
public final class ApiTestScorers {

    private ApiTestScorers() {}

    /** Passes when the response is shorter than 400 characters, with a rationale saying how long it was. */
    public static final class Short implements CodeScorer {
        /** For the codec. */
        public Short() {}

        @Override
        public Object score(ScorerInput in) {
            String out = in.outputText() == null ? "" : in.outputText();
            return Feedback.of(out.length() < 400, "the response has " + out.length() + " characters");
        }
    }
}
