package dev.vigil.spi.judge;

import dev.vigil.spi.VigilException;
import java.time.Duration;

/**
 * A judge call failed. {@link #retryable()} tells whether trying again may help (429, 5xx, timeouts, resets)
 * or not (400, 401, 403, content filtered).
 */
public class JudgeException extends VigilException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final boolean retryable;
    private final int httpStatus;
    private final transient Duration retryAfter;

    /**
     * @param code a short code, e.g. {@code RATE_LIMITED}, {@code AUTH}, {@code BAD_REQUEST}, {@code TIMEOUT}
     * @param message the provider's message
     * @param retryable whether a retry may succeed
     * @param httpStatus the HTTP status, or 0
     * @param retryAfter the server's Retry-After, or null
     */
    public JudgeException(String code, String message, boolean retryable, int httpStatus, Duration retryAfter) {
        super(message);
        this.code = code;
        this.retryable = retryable;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    /** @return the short code */
    public String code() {
        return code;
    }

    /** @return whether a retry may succeed */
    public boolean retryable() {
        return retryable;
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
