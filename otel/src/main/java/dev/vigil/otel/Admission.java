package dev.vigil.otel;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Whether the intake may take another batch now: the admission signal shared by every live intake (OTLP/HTTP,
 * the in-process exporter, a Kafka consumer). {@link #check()} is called before a batch is decoded; a refusal
 * stores nothing and tells the sender when to retry, so nothing is dropped silently.
 *
 * <p>{@link #engineBacklog} refuses while the monitoring engine has more work queued than a limit (its
 * {@code EngineStats} queue depth plus cursor lag, or any other measure of unscored work): the store keeps
 * growing while scorers fall behind, and refusing at the door keeps the lag bounded. {@link TraceAssembler}
 * refuses on its own when too many traces are being assembled ({@link Reason#ASSEMBLY_FULL}).
 */
@FunctionalInterface
public interface Admission {

    /** Why a batch was refused. */
    enum Reason {
        /** Too many traces are being assembled at once (OTLP/HTTP: 429). */
        ASSEMBLY_FULL,
        /** The monitoring engine is behind by more than its limit (OTLP/HTTP: 503). */
        ENGINE_SATURATED
    }

    /**
     * @throws AdmissionException if no batch may be taken now (nothing has been read or stored yet)
     */
    void check();

    /** @return an admission that always admits */
    static Admission always() {
        return () -> { };
    }

    /**
     * @param backlog the work the engine has not finished (e.g. {@code stats.queueDepth() + stats.cursorLag()})
     * @param limit the most backlog at which batches are still admitted
     * @param retryAfter what a refusal tells the sender
     * @return an admission refusing with {@link Reason#ENGINE_SATURATED} while the backlog is over the limit
     */
    static Admission engineBacklog(LongSupplier backlog, long limit, Duration retryAfter) {
        Objects.requireNonNull(backlog, "backlog");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (limit < 0) {
            throw new IllegalArgumentException("the backlog limit must be 0 or more, got " + limit);
        }
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter must be positive, got " + retryAfter);
        }
        return () -> {
            long now = backlog.getAsLong();
            if (now > limit) {
                throw new AdmissionException(Reason.ENGINE_SATURATED, retryAfter, "the monitoring engine is "
                        + now + " units of work behind (limit " + limit + "); retry after "
                        + retryAfter.toSeconds() + " s");
            }
        };
    }
}
