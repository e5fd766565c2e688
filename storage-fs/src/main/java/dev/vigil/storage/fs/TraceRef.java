package dev.vigil.storage.fs;

import dev.vigil.spi.store.support.ScanKey;
import java.time.Instant;

/**
 * Where the current form of a trace is: the in-memory index entry, rebuilt from the segments at open.
 *
 * @param traceId the trace id
 * @param experimentId its experiment
 * @param requestTime its request time
 * @param sequence its arrival sequence
 * @param position the packed position of its record in its experiment's trace log
 */
record TraceRef(String traceId, String experimentId, Instant requestTime, long sequence, long position) {
    ScanKey key() {
        return new ScanKey(requestTime, traceId);
    }
}
