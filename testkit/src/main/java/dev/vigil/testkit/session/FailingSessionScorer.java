package dev.vigil.testkit.session;

import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import java.util.Map;

/**
 * A session scorer with a bug, named {@value #NAME}: every call throws an {@link IllegalStateException} whose
 * message contains {@value #MESSAGE}, a final failure the engine records as an error assessment.
 */
public final class FailingSessionScorer implements Scorer, SessionScorer {
    /** The scorer's name. */
    public static final String NAME = "bad";
    /** Part of the message of every failure. */
    public static final String MESSAGE = "broken on purpose";

    /** Needed by the java scorer codec. */
    public FailingSessionScorer() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AssessmentSource source() {
        return AssessmentSource.code(name());
    }

    @Override
    public ScorerDefinition definition() {
        return new ScorerDefinition("java", Map.of("class", FailingSessionScorer.class.getName()));
    }

    @Override
    public Object score(ScorerInput input) {
        throw new IllegalStateException(MESSAGE);
    }

    @Override
    public Object scoreSession(Session session) {
        throw new IllegalStateException(MESSAGE);
    }
}
