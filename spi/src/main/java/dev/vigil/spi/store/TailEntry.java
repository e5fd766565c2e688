package dev.vigil.spi.store;

import dev.vigil.spi.model.Trace;
import java.util.Objects;

/**
 * A trace as it arrived in the store.
 *
 * @param sequence its arrival sequence number: strictly increasing across the whole store, a durable cursor
 * @param trace the trace (with the assessments it had when read)
 */
public record TailEntry(long sequence, Trace trace) {
    /** Validates. */
    public TailEntry {
        Objects.requireNonNull(trace, "trace");
    }
}
