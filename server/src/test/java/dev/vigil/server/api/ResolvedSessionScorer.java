package dev.vigil.server.api;

import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import java.util.Map;

/**
 * A session scorer as an LLM judge or a Python scorer is one (a scorer object that judges whole sessions), so the
 * registry lists it at session level: "resolved" when a session has two turns or more.
 */
public final class ResolvedSessionScorer implements Scorer, SessionScorer {

    @Override
    public String name() {
        return "resolved";
    }

    @Override
    public ScorerDefinition definition() {
        return new ScorerDefinition("java", Map.of());
    }

    @Override
    public Object scoreSession(Session s) {
        return s.turns() >= 2;
    }

    @Override
    public AssessmentSource source() {
        return AssessmentSource.code(name());
    }

    @Override
    public Object score(ScorerInput input) {
        throw new UnsupportedOperationException("'resolved' scores whole sessions, not single traces");
    }
}
