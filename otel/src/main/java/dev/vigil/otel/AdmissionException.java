package dev.vigil.otel;

import java.time.Duration;
import java.util.Objects;

/**
 * A batch of spans refused before anything of it was stored, because Vigil cannot take more now (backpressure).
 * The sender should retry after {@link #retryAfter()}: OTLP/HTTP turns it into 429 ({@link Admission.Reason#ASSEMBLY_FULL})
 * or 503 ({@link Admission.Reason#ENGINE_SATURATED}) with a {@code Retry-After} header; a Kafka consumer pauses.
 */
public class AdmissionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Admission.Reason reason;
    private final transient Duration retryAfter;

    /**
     * @param reason why
     * @param retryAfter when to retry
     * @param message what is full, with the numbers
     */
    public AdmissionException(Admission.Reason reason, Duration retryAfter, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason);
        this.retryAfter = Objects.requireNonNull(retryAfter);
    }

    /** @return why the batch was refused */
    public Admission.Reason reason() {
        return reason;
    }

    /** @return how long the sender should wait before retrying */
    public Duration retryAfter() {
        return retryAfter;
    }
}
