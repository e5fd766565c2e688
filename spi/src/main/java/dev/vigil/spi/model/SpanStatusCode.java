package dev.vigil.spi.model;

/** OpenTelemetry's span status codes (MLflow writes them as {@code STATUS_CODE_OK} etc.). */
public enum SpanStatusCode {
    /** No status was set. */
    UNSET,
    /** The operation succeeded. */
    OK,
    /** The operation failed. */
    ERROR
}
