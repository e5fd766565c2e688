package dev.vigil.storage.fs;

import java.time.Instant;
import java.util.Comparator;

/** A trace's place in scan order: (request time, trace id). */
record ScanKey(Instant time, String traceId) implements Comparable<ScanKey> {
    private static final Comparator<ScanKey> ORDER =
            Comparator.comparing(ScanKey::time).thenComparing(ScanKey::traceId);

    @Override
    public int compareTo(ScanKey o) {
        return ORDER.compare(this, o);
    }
}
