package dev.vigil.spi.model;

import java.util.Objects;

/**
 * A span's status.
 *
 * @param code the status code
 * @param message a description, empty when there is none (never null)
 */
public record SpanStatus(SpanStatusCode code, String message) {
    /** Status of a span that set none. */
    public static final SpanStatus UNSET = new SpanStatus(SpanStatusCode.UNSET, "");
    /** Status of a successful span. */
    public static final SpanStatus OK = new SpanStatus(SpanStatusCode.OK, "");

    /** Validates and normalises: a null message becomes empty. */
    public SpanStatus {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }

    /**
     * @param message what went wrong
     * @return an ERROR status
     */
    public static SpanStatus error(String message) {
        return new SpanStatus(SpanStatusCode.ERROR, message);
    }
}
