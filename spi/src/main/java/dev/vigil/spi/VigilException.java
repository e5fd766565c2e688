package dev.vigil.spi;

/**
 * Base of every exception Vigil throws on purpose. Unchecked: configuration mistakes fail fast, and the
 * message always says what was wrong, the offending value, and what is allowed.
 */
public class VigilException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public VigilException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public VigilException(String message, Throwable cause) {
        super(message, cause);
    }
}
