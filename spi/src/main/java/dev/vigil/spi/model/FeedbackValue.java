package dev.vigil.spi.model;

import dev.vigil.spi.json.Json;

/**
 * A judgement of a trace: a value (bool, number, string, or a list or map of those), or an error.
 *
 * @param value the value as a JSON value, or null when {@code error} is set
 * @param error why there is no value, or null
 */
public record FeedbackValue(Object value, AssessmentError error) implements AssessmentValue {
    /** Validates and freezes the value. */
    public FeedbackValue {
        // MLflow keeps both a value and an error on one feedback; so does Vigil (isError() is true then).
        value = Json.freeze(value);
    }

    /** @return true if this feedback records a failure */
    public boolean isError() {
        return error != null;
    }

    /**
     * @param value a JSON value
     * @return a feedback holding it
     */
    public static FeedbackValue of(Object value) {
        return new FeedbackValue(value, null);
    }

    /**
     * @param error the failure
     * @return an error feedback
     */
    public static FeedbackValue error(AssessmentError error) {
        return new FeedbackValue(null, error);
    }
}
