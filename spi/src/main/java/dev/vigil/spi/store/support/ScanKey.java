package dev.vigil.spi.store.support;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A trace's place in scan order: request time, then trace id. Keys of one instant sort by trace id, and
 * {@link #first(Instant)} is below every key at that instant, so a range {@code [from, to)} of an ordered index is
 * {@code subMap(first(from), true, first(to), false)}.
 *
 * @param time the trace's request time
 * @param traceId the trace id
 */
public record ScanKey(Instant time, String traceId) implements Comparable<ScanKey> {
    private static final Comparator<ScanKey> ORDER =
            Comparator.comparing(ScanKey::time).thenComparing(ScanKey::traceId);

    /** Checks both parts are present. */
    public ScanKey {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(traceId, "traceId");
    }

    /**
     * @param time an instant
     * @return the lowest key at that instant (before every trace id)
     */
    public static ScanKey first(Instant time) {
        return new ScanKey(time, "");
    }

    @Override
    public int compareTo(ScanKey o) {
        return ORDER.compare(this, o);
    }
}
