package dev.vigil.core.engine.internal;

import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.scorer.Feedback;
import java.util.List;

/**
 * What one scorer run on one trace produced.
 *
 * @param feedback the feedback to record (an error feedback when the run failed); may be empty when the scorer
 *     returned null
 * @param durationNanos how long the run took, retries included
 * @param attempts how many attempts were made
 * @param failure the failure when the run failed, else null
 * @param kind the kind of the provider failure that ended the run, or null (success, or a scorer's own exception)
 */
public record Outcome(List<Feedback> feedback, long durationNanos, int attempts, AssessmentError failure,
        FailureKind kind) {

    /** Freezes. */
    public Outcome {
        feedback = List.copyOf(feedback);
    }

    /** @return true if the run failed */
    public boolean failed() {
        return failure != null;
    }

    /** @return true when the failure was an authentication failure (counts towards pausing the scorer) */
    public boolean authFailure() {
        return kind == FailureKind.AUTH;
    }

    /** @return true when the run ended on a transient failure (rate limit, overload, timeout, connection) */
    public boolean transientFailure() {
        return kind != null && kind.isTransient();
    }
}
