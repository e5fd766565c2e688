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
 * @param providerRefused true when the provider's open circuit breaker refused the run before any of its attempts
 *     reached the provider, so it says nothing new about the pair (a backfill does not count it against the
 *     pair's later attempts)
 */
public record Outcome(List<Feedback> feedback, long durationNanos, int attempts, AssessmentError failure,
        FailureKind kind, boolean providerRefused) {

    /** Freezes. */
    public Outcome {
        feedback = List.copyOf(feedback);
    }

    /**
     * A run whose last attempt was made (or that made none for a reason other than the breaker).
     *
     * @param feedback the feedback
     * @param durationNanos how long the run took
     * @param attempts how many attempts were made
     * @param failure the failure, or null
     * @param kind the provider failure's kind, or null
     */
    public Outcome(List<Feedback> feedback, long durationNanos, int attempts, AssessmentError failure,
            FailureKind kind) {
        this(feedback, durationNanos, attempts, failure, kind, false);
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
