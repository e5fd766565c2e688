package dev.vigil.core.filter;

import dev.vigil.spi.InvalidInputException;

/**
 * A filter string that does not parse: says where (1-based column), what was found there and what was expected.
 * The message quotes the filter and points at the column.
 */
public final class FilterSyntaxException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** The token text used when the error is at the end of the input. */
    public static final String END_OF_INPUT = "end of input";

    private final String filter;
    private final int column;
    private final String token;
    private final String expected;

    /**
     * @param filter the whole filter string
     * @param column 1-based column of the offending token ({@code filter.length() + 1} at the end)
     * @param token the offending token's text, or {@link #END_OF_INPUT}
     * @param expected what would have been valid there
     */
    public FilterSyntaxException(String filter, int column, String token, String expected) {
        super(message(filter, column, token, expected));
        this.filter = filter;
        this.column = column;
        this.token = token;
        this.expected = expected;
    }

    private static String message(String filter, int column, String token, String expected) {
        String found = END_OF_INPUT.equals(token) ? END_OF_INPUT : "'" + token + "'";
        return "invalid filter at column " + column + ": expected " + expected + ", found " + found + "\n  "
                + filter + "\n  " + " ".repeat(Math.max(0, column - 1)) + "^";
    }

    /** @return the filter string that failed */
    public String filter() {
        return filter;
    }

    /** @return the 1-based column of the offending token */
    public int column() {
        return column;
    }

    /** @return the offending token's text, or {@link #END_OF_INPUT} */
    public String token() {
        return token;
    }

    /** @return what was expected at that column */
    public String expected() {
        return expected;
    }
}
