package dev.vigil.spi.scorer;

import dev.vigil.spi.model.AssessmentSource;
import java.util.List;

/**
 * A scorer: given what MLflow gives a scorer, returns feedback.
 *
 * <p>{@link #score} may return what an MLflow scorer may return: a {@code Boolean}, a {@code Number}, a
 * {@code String}, a {@link Feedback}, a {@code List<Feedback>}, or {@code null} (nothing to record). The engine
 * normalises the result: a feedback left with {@link Feedback#DEFAULT_NAME} takes the scorer's name, and any
 * other type becomes an error feedback naming the scorer and the type it returned. An exception thrown by
 * {@code score} becomes an error feedback too; it never stops the engine.
 *
 * <p>Implementations must be thread-safe: the engine calls {@code score} from several threads at once.
 */
public interface Scorer {

    /** @return the scorer's name (1–256 characters) */
    String name();

    /**
     * Scores one trace (or one plain record).
     *
     * @param input inputs, outputs, expectations and the trace
     * @return bool, number, string, {@link Feedback}, list of {@link Feedback}, or null
     * @throws Exception any failure, recorded as an error feedback
     */
    Object score(ScorerInput input) throws Exception;

    /**
     * @return how this scorer is stored and rebuilt: its kind and configuration
     */
    ScorerDefinition definition();

    /** @return how values are summarised over many traces; {@code mean} by default */
    default List<Aggregation> aggregations() {
        return List.of(Aggregation.MEAN);
    }

    /** @return the source recorded on this scorer's feedback: CODE with the scorer name by default */
    default AssessmentSource source() {
        return AssessmentSource.code(name());
    }

    /**
     * @return whether this scorer mostly waits on I/O (LLM judges: run on virtual threads with per-provider
     *     limits) or burns CPU (code scorers: run on a bounded pool)
     */
    default Workload workload() {
        return Workload.CPU;
    }

    /** What a scorer spends its time on. */
    enum Workload {
        /** Computation in this JVM. */
        CPU,
        /** Waiting on a remote service. */
        IO
    }
}
