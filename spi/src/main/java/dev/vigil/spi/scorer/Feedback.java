package dev.vigil.spi.scorer;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import java.util.Map;

/**
 * What a scorer returns for one judgement, MLflow's {@code Feedback}: a name, a value or an error, a rationale,
 * metadata, and optionally the span it is about. A feedback left with {@link #DEFAULT_NAME} takes the scorer's
 * name when it is recorded.
 *
 * @param name the feedback name, {@link #DEFAULT_NAME} if the scorer did not choose one
 * @param value the value (bool, number, string, or a list or map of those), or null
 * @param error the failure, or null
 * @param rationale why, or null
 * @param metadata string metadata (immutable)
 * @param spanId the span this judgement is about, or null for the whole trace
 * @param source the source to record, or null to let the engine use the scorer's
 */
public record Feedback(String name, Object value, AssessmentError error, String rationale,
        Map<String, String> metadata, String spanId, AssessmentSource source) {

    /** MLflow's default feedback name ({@code mlflow.entities.assessment.DEFAULT_FEEDBACK_NAME}). */
    public static final String DEFAULT_NAME = "feedback";

    /** Normalises and freezes. */
    public Feedback {
        name = name == null || name.isBlank() ? DEFAULT_NAME : name;
        value = Json.freeze(value);
        metadata = Json.freezeStrings(metadata);
    }

    /** @param value a value @return an unnamed feedback */
    public static Feedback of(Object value) {
        return new Feedback(DEFAULT_NAME, value, null, null, Map.of(), null, null);
    }

    /** @param value a value @param rationale why @return an unnamed feedback */
    public static Feedback of(Object value, String rationale) {
        return new Feedback(DEFAULT_NAME, value, null, rationale, Map.of(), null, null);
    }

    /** @param error the failure @return an unnamed error feedback */
    public static Feedback error(AssessmentError error) {
        return new Feedback(DEFAULT_NAME, null, error, null, Map.of(), null, null);
    }

    /** @param newName a name @return a copy with that name */
    public Feedback withName(String newName) {
        return new Feedback(newName, value, error, rationale, metadata, spanId, source);
    }

    /** @param newMetadata metadata @return a copy with that metadata */
    public Feedback withMetadata(Map<String, String> newMetadata) {
        return new Feedback(name, value, error, rationale, newMetadata, spanId, source);
    }

    /** @param newSpanId a span id @return a copy about that span */
    public Feedback withSpanId(String newSpanId) {
        return new Feedback(name, value, error, rationale, metadata, newSpanId, source);
    }

    /** @param newRationale a rationale @return a copy with it */
    public Feedback withRationale(String newRationale) {
        return new Feedback(name, value, error, newRationale, metadata, spanId, source);
    }

    /** @return true if this records a failure */
    public boolean isError() {
        return error != null;
    }
}
