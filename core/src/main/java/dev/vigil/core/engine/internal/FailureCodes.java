package dev.vigil.core.engine.internal;

/** The error codes the engine records on error feedback (judge failures keep the judge's own code). */
public final class FailureCodes {
    /** The scorer threw. */
    public static final String SCORER_EXCEPTION = dev.vigil.core.scorer.ScorerResults.SCORER_EXCEPTION;
    /** The scorer ran past its timeout. */
    public static final String TIMEOUT = "TIMEOUT";
    /** The scorer returned something that is not a bool, number, string, Feedback, list of Feedback or null. */
    public static final String INVALID_RETURN = dev.vigil.core.scorer.ScorerResults.INVALID_RETURN_TYPE;

    private FailureCodes() {}
}
