package dev.vigil.core.session;

import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.session.Session;
import java.util.List;

/** How {@link SessionScoring} calls a session scorer on a session. */
@FunctionalInterface
interface SessionCall {

    /**
     * What to record of one call.
     *
     * @param feedback the normalised feedback (an error feedback for a final failure)
     * @param durationNanos how long the call took, retries included
     */
    record Result(List<Feedback> feedback, long durationNanos) {
        public Result {
            feedback = List.copyOf(feedback);
        }
    }

    /**
     * @param entry the scorer
     * @param session the whole session
     * @return what to record, or null to record nothing and try the session again on a later pass
     */
    Result call(SessionScorerEntry entry, Session session);
}
