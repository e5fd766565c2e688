package dev.vigil.spi.model;

import dev.vigil.spi.json.Json;

/**
 * A ground-truth label for a trace (an expected response, expected facts...).
 *
 * @param value any JSON value
 */
public record ExpectationValue(Object value) implements AssessmentValue {
    /** Freezes the value. */
    public ExpectationValue {
        value = Json.freeze(value);
    }
}
