package dev.vigil.python;

import dev.vigil.spi.InvalidInputException;

/**
 * A Python scorer's source was rejected at registration: it does not compile, its module-level code failed, or it
 * defines no usable scorer function. Syntax errors carry their line and column (1-based; 0 when unknown).
 */
public final class PythonSourceException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    /**
     * @param message what was wrong and what is allowed
     * @param line the 1-based line, 0 if unknown
     * @param column the 1-based column, 0 if unknown
     */
    public PythonSourceException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    /** @return the 1-based line of the error, 0 if unknown */
    public int line() {
        return line;
    }

    /** @return the 1-based column of the error, 0 if unknown */
    public int column() {
        return column;
    }
}
