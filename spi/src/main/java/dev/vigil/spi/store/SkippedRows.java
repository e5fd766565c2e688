package dev.vigil.spi.store;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rows a store could not read and skipped: a row written by an older version without {@link WriteLimits}, or one
 * damaged on disk. A reader that meets one calls {@link #skip} — one log line naming the row, the store and the
 * reason — and goes on with the rest: a bad row never stops a tail loop, a scan, an export or a report. The count
 * is {@link Store#skippedRows()}, which the engine's health shows. Thread-safe.
 */
public final class SkippedRows {

    private static final System.Logger LOG = System.getLogger(SkippedRows.class.getName());

    private final String store;
    private static final int REMEMBERED = 10_000;

    private final AtomicLong count = new AtomicLong();
    private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param store the store as it may be shown (see {@link Store#describe()}) */
    public SkippedRows(String store) {
        this.store = store;
    }

    /**
     * Logs and counts one unreadable row, once: a row met again (a tail loop polling past it) is neither logged
     * nor counted again.
     *
     * @param kind what the row holds, e.g. {@code trace} or {@code assessment}
     * @param id the row's id
     * @param reason why it cannot be read (no more than its first 300 characters are logged)
     */
    public void skip(String kind, String id, String reason) {
        String key = kind + "/" + id;
        if (seen.size() < REMEMBERED ? !seen.add(key) : seen.contains(key)) {
            return;
        }
        count.incrementAndGet();
        String r = reason == null ? "unknown" : reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
        LOG.log(Level.WARNING, "skipped unreadable " + kind + " row " + WriteLimits.shortId(id) + " in store "
                + store + ": " + r);
    }

    /** @return how many rows were skipped since the store was opened */
    public long count() {
        return count.get();
    }
}
