package dev.vigil.spi.judge;

import dev.vigil.spi.VigilException;
import java.time.Duration;
import java.util.Objects;

/**
 * A judge call failed, with its {@link FailureKind}. Judges let it propagate out of {@code Scorer.score}: the
 * engine's reliability layer (retries, rate limits, circuit breaking, deferral, auth pauses) acts on the kind.
 */
public class JudgeException extends VigilException {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;
    private final int httpStatus;
    private final transient Duration retryAfter;

    /**
     * @param kind what kind of failure it is
     * @param message the provider's message (never a credential)
     * @param httpStatus the HTTP status, or 0
     * @param retryAfter the server's Retry-After, or null
     */
    public JudgeException(FailureKind kind, String message, int httpStatus, Duration retryAfter) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    /**
     * @param kind what kind of failure it is
     * @param message the provider's message (never a credential)
     */
    public JudgeException(FailureKind kind, String message) {
        this(kind, message, 0, null);
    }

    /** @return the kind */
    public FailureKind kind() {
        return kind;
    }

    /** @return the kind's name, used as the error code of an error assessment */
    public String code() {
        return kind.name();
    }

    /** @return whether trying again at once may succeed ({@link FailureKind#retryable()}) */
    public boolean retryable() {
        return kind.retryable();
    }

    /** @return the HTTP status, or 0 */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return the server's Retry-After, or null */
    public Duration retryAfter() {
        return retryAfter;
    }
}
