package dev.vigil.spi.model;

import java.util.Objects;

/**
 * Where an assessment came from.
 *
 * @param type the kind of source
 * @param sourceId who exactly: a user id, a judge model URI, a scorer name; empty when unknown
 */
public record AssessmentSource(AssessmentSourceType type, String sourceId) {
    /** Validates; a null id becomes empty. */
    public AssessmentSource {
        Objects.requireNonNull(type, "type");
        sourceId = sourceId == null ? "" : sourceId;
    }

    /**
     * @param id a person's id
     * @return a HUMAN source
     */
    public static AssessmentSource human(String id) {
        return new AssessmentSource(AssessmentSourceType.HUMAN, id);
    }

    /**
     * @param modelUri the judge model URI
     * @return an LLM_JUDGE source
     */
    public static AssessmentSource llmJudge(String modelUri) {
        return new AssessmentSource(AssessmentSourceType.LLM_JUDGE, modelUri);
    }

    /**
     * @param scorer the scorer's name
     * @return a CODE source
     */
    public static AssessmentSource code(String scorer) {
        return new AssessmentSource(AssessmentSourceType.CODE, scorer);
    }
}
