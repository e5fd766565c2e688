package dev.vigil.spi.model;

import dev.vigil.spi.InvalidInputException;
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
        value = Json.freeze(value);
        if (value != null && error != null) {
            throw new InvalidInputException("a feedback holds a value or an error, not both (value " + value
                    + ", error " + error.code() + ")");
        }
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
