package dev.vigil.spi.store;

import dev.vigil.spi.model.Trace;
import java.util.List;

/**
 * One page of a scan, ordered by (request time, trace id).
 *
 * @param traces the traces on this page
 * @param nextPageToken an opaque token for the next page, or null when the scan is done
 */
public record TracePage(List<Trace> traces, String nextPageToken) {
    /** Freezes. */
    public TracePage {
        traces = List.copyOf(traces);
    }

    /** @return true if there is another page */
    public boolean hasNext() {
        return nextPageToken != null;
    }
}
