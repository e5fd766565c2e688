package dev.vigil.spi;

/**
 * An optimistic-concurrency conflict: the writer based its change on a revision that another writer has
 * since replaced. Nothing was written; re-read and try again.
 */
public class StaleWriteException extends VigilException {
    private static final long serialVersionUID = 1L;

    /** @param message what was being written, the expected revision and the current one */
    public StaleWriteException(String message) {
        super(message);
    }
}
