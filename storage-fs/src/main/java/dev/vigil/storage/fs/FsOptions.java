package dev.vigil.storage.fs;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.StoreOptions;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * The file store's settings, read from {@link StoreOptions#properties()} and validated on the spot.
 *
 * @param fsync when appends are made durable
 * @param fsyncInterval the interval for {@link Fsync#INTERVAL}
 * @param segmentBytes the size at which a segment rolls
 * @param readOnly open without taking the writer lock; writes fail
 * @param archiveSettle continuous archival leaves traces younger than this alone (they may still change)
 * @param archiveInterval how often continuous archival runs in the background (0 = only when asked)
 */
record FsOptions(Fsync fsync, Duration fsyncInterval, long segmentBytes, boolean readOnly, Duration archiveSettle,
        Duration archiveInterval) {

    /** Property: {@code batch} (default: fsync before a write returns) or {@code interval}. */
    static final String FSYNC = "fs.fsync";
    /** Property: milliseconds between fsyncs with {@code fs.fsync=interval}; default 100. */
    static final String FSYNC_INTERVAL_MS = "fs.fsyncIntervalMs";
    /** Property: segment size in bytes at which a new segment starts; default 64 MiB. */
    static final String SEGMENT_BYTES = "fs.segmentBytes";
    /** Property: {@code true} to open read-only (no lock taken, no repair); default false. */
    static final String READ_ONLY = "fs.readOnly";
    /** Property: continuous archival's settle time in milliseconds; default 3600000 (one hour). */
    static final String ARCHIVE_SETTLE_MS = "fs.archiveSettleMs";
    /** Property: continuous archival's period in milliseconds, 0 for none; default 60000. */
    static final String ARCHIVE_INTERVAL_MS = "fs.archiveIntervalMs";

    static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    static final long MIN_SEGMENT_BYTES = 4096;
    static final long MAX_SEGMENT_BYTES = 1L << 30;
    private static final Set<String> KNOWN = Set.of(FSYNC, FSYNC_INTERVAL_MS, SEGMENT_BYTES, READ_ONLY,
            ARCHIVE_SETTLE_MS, ARCHIVE_INTERVAL_MS);

    /** When appends reach the disk. */
    enum Fsync {
        /** Every write is fsynced before it returns: an acknowledged write survives a power loss. */
        BATCH,
        /**
         * Writes are fsynced every interval: an acknowledged write survives a process crash, and a power loss
         * loses at most the last interval.
         */
        INTERVAL
    }

    static FsOptions from(StoreOptions options) {
        for (String key : options.properties().keySet()) {
            if (key.startsWith("fs.") && !KNOWN.contains(key)) {
                throw new InvalidInputException("unknown file store property '" + key + "'; known: "
                        + new TreeSet<>(KNOWN));
            }
        }
        String f = options.property(FSYNC, "batch").trim().toLowerCase(java.util.Locale.ROOT);
        Fsync fsync = switch (f) {
            case "batch" -> Fsync.BATCH;
            case "interval" -> Fsync.INTERVAL;
            default -> throw new InvalidInputException(FSYNC + " must be 'batch' or 'interval', got '" + f + "'");
        };
        long interval = number(options, FSYNC_INTERVAL_MS, 100, 1, 60_000);
        long segment = number(options, SEGMENT_BYTES, DEFAULT_SEGMENT_BYTES, MIN_SEGMENT_BYTES, MAX_SEGMENT_BYTES);
        String ro = options.property(READ_ONLY, "false").trim().toLowerCase(java.util.Locale.ROOT);
        if (!ro.equals("true") && !ro.equals("false")) {
            throw new InvalidInputException(READ_ONLY + " must be 'true' or 'false', got '" + ro + "'");
        }
        long settle = number(options, ARCHIVE_SETTLE_MS, 3_600_000, 0, Long.MAX_VALUE / 2);
        long archiveEvery = number(options, ARCHIVE_INTERVAL_MS, 60_000, 0, Long.MAX_VALUE / 2);
        return new FsOptions(fsync, Duration.ofMillis(interval), segment, ro.equals("true"),
                Duration.ofMillis(settle), Duration.ofMillis(archiveEvery));
    }

    private static long number(StoreOptions options, String key, long dflt, long min, long max) {
        String v = options.property(key, null);
        if (v == null) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(key + " must be a whole number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new InvalidInputException(key + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }
}
