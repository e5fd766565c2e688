package dev.vigil.core.engine.internal;

import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import java.util.List;

/**
 * A check the {@link ScorerRunner} makes before each scorer call (engine, backfill and evaluate alike), and the
 * settlement after it: the seam budgets use ({@code dev.vigil.core.budget.BudgetGuard}). A refused call is not
 * made; its {@link Outcome} carries the refusal as its failure and no feedback, so nothing is stored for it.
 */
@FunctionalInterface
public interface CallGuard {

    /** Admits every call. */
    CallGuard NONE = (experimentId, scorerName, scorer) -> Permit.GRANTED;

    /**
     * @param experimentId the experiment of the trace being scored, or null outside any trace
     * @param scorerName the registered name
     * @param scorer the scorer
     * @return a permit (granted or refused); must not throw
     */
    Permit admit(String experimentId, String scorerName, Scorer scorer);

    /** The answer to one call's admission. */
    interface Permit {

        /** A granted permit with nothing to settle. */
        Permit GRANTED = new Permit() {
            @Override
            public AssessmentError refusal() {
                return null;
            }

            @Override
            public void settle(List<Feedback> feedback) {}
        };

        /** @return why the call must not be made, or null if it may */
        AssessmentError refusal();

        /**
         * Called once after a granted call with what it produced (usage is read from the feedback metadata).
         *
         * @param feedback the call's feedback (empty or an error when it failed)
         */
        void settle(List<Feedback> feedback);
    }
}
