package dev.vigil.spi;

/** A named thing (experiment, trace, scorer, job) does not exist. */
public class NotFoundException extends VigilException {
    private static final long serialVersionUID = 1L;

    /** @param message which thing was not found, and where */
    public NotFoundException(String message) {
        super(message);
    }
}
