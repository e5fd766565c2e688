package dev.vigil.otel;

import dev.vigil.spi.InvalidInputException;

/** An OTLP request larger than the configured limit (after decompression): OTLP/HTTP answers 413. */
public final class RequestTooLargeException extends InvalidInputException {

    /**
     * @param size the size seen so far, in bytes
     * @param limit the limit, in bytes
     */
    public RequestTooLargeException(long size, long limit) {
        super("OTLP request is larger than the limit of " + limit + " bytes (at least " + size
                + " bytes); send smaller batches or raise the limit");
    }
}
