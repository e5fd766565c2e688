package dev.vigil.spi.model;

import java.util.Objects;

/**
 * Why a feedback has no value: the scorer threw, timed out, returned garbage, or its provider failed.
 *
 * @param code a short machine-readable code, e.g. {@code SCORER_EXCEPTION}, {@code TIMEOUT}, {@code RATE_LIMITED}
 * @param message what went wrong, for people
 * @param stackTrace a stack trace or captured output, or null
 */
public record AssessmentError(String code, String message, String stackTrace) {
    /** Validates. */
    public AssessmentError {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }

    /**
     * @param code the code
     * @param message the message
     * @return an error without a stack trace
     */
    public static AssessmentError of(String code, String message) {
        return new AssessmentError(code, message, null);
    }
}
