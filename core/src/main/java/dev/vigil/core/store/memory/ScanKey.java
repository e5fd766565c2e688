package dev.vigil.core.store.memory;

import java.time.Instant;
import java.util.Comparator;

/**
 * The scan order of traces: request time, then trace id.
 *
 * @param time the request time
 * @param traceId the trace id
 */
record ScanKey(Instant time, String traceId) implements Comparable<ScanKey> {
    private static final Comparator<ScanKey> ORDER =
            Comparator.comparing(ScanKey::time).thenComparing(ScanKey::traceId);

    @Override
    public int compareTo(ScanKey o) {
        return ORDER.compare(this, o);
    }
}
