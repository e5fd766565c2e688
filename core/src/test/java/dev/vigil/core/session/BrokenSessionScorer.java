package dev.vigil.core.session;

import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import java.util.Map;

/** A session scorer with a bug: every call throws. */
public final class BrokenSessionScorer implements Scorer, SessionScorer {
    /** Needed by the java codec. */
    public BrokenSessionScorer() {}

    @Override
    public String name() {
        return "bad";
    }

    @Override
    public dev.vigil.spi.model.AssessmentSource source() {
        return dev.vigil.spi.model.AssessmentSource.code(name());
    }

    @Override
    public ScorerDefinition definition() {
        return new ScorerDefinition("java", Map.of("class", BrokenSessionScorer.class.getName()));
    }

    @Override
    public Object score(ScorerInput input) {
        throw new IllegalStateException("broken on purpose");
    }

    @Override
    public Object scoreSession(Session session) {
        throw new IllegalStateException("broken on purpose");
    }
}
