package dev.vigil.spi;

/**
 * A store could not do what was asked for a reason outside the caller's input: the database is down, the
 * disk is full, a file is corrupt. The message names the store (URL with any password masked).
 */
public class StoreException extends VigilException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and on which store */
    public StoreException(String message) {
        super(message);
    }

    /**
     * @param message what failed and on which store
     * @param cause the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
