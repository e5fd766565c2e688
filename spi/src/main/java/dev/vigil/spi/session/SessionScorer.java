package dev.vigil.spi.session;

import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.ScorerDefinition;

/**
 * A session-level scorer (MLflow's multi-turn scorer): judges a whole conversation at once instead of one trace.
 *
 * <p>{@link #scoreSession} may return what a trace scorer may return: a {@code Boolean}, a {@code Number}, a
 * {@code String}, a {@link dev.vigil.spi.scorer.Feedback}, a list of them, or {@code null} (nothing to record).
 * An exception becomes an error assessment, except a transient failure (an I/O error, or a judge failure its kind
 * marks retryable), after which the session is tried again on a later pass.
 *
 * <p>Implementations must be thread-safe.
 */
public interface SessionScorer {

    /** @return the scorer's name (1–256 characters), used as the assessment name */
    String name();

    /**
     * Scores one session.
     *
     * @param session the session's traces, in turn order
     * @return bool, number, string, feedback, list of feedback, or null
     * @throws Exception any failure
     */
    Object scoreSession(Session session) throws Exception;

    /**
     * A scorer object may implement both {@link dev.vigil.spi.scorer.Scorer} and this interface (an LLM judge, a
     * Python scorer); this says which level it works at, from its definition (a {@code {{ conversation }}}
     * template, a Python function taking {@code session}).
     *
     * @return true if this scorer judges whole sessions; true by default
     */
    default boolean sessionLevel() {
        return true;
    }

    /** @return how this scorer is stored and rebuilt */
    ScorerDefinition definition();

    /** @return the source recorded on this scorer's feedback: CODE with the scorer name by default */
    default AssessmentSource source() {
        return AssessmentSource.code(name());
    }
}
