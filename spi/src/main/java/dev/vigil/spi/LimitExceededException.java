package dev.vigil.spi;

/**
 * A value to be written is larger than the store's {@link dev.vigil.spi.store.WriteLimits}: nothing was written.
 * The message names the field, its size and the limit.
 */
public class LimitExceededException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** The field over its limit, e.g. {@code assessment value}. */
    private final String field;
    /** Its size, in characters. */
    private final long size;
    /** The limit, in characters. */
    private final long limit;

    /**
     * @param field the field over its limit, e.g. {@code assessment value of 'relevance'}
     * @param size its size in characters
     * @param limit the limit in characters
     */
    public LimitExceededException(String field, long size, long limit) {
        super(field + " is " + size + " characters; the limit is " + limit
                + " (see \"Limits on what is stored\" in the README)");
        this.field = field;
        this.size = size;
        this.limit = limit;
    }

    /** @return the field over its limit */
    public String field() {
        return field;
    }

    /** @return its size in characters */
    public long size() {
        return size;
    }

    /** @return the limit in characters */
    public long limit() {
        return limit;
    }
}
