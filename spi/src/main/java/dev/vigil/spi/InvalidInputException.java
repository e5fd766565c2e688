package dev.vigil.spi;

/** Input was rejected before anything was written: a missing id, a negative time, an unknown experiment... */
public class InvalidInputException extends VigilException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong with the input and what is allowed */
    public InvalidInputException(String message) {
        super(message);
    }
}
