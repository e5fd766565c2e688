package dev.vigil.spi.store.support;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TracePage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One page of a keyset-paged scan over an in-process ordered index (request time, trace id) → stored entry: the
 * range {@code [from, to)}, strictly after the page token's key, filtered, at most {@code maxResults} traces, with
 * a next-page token only when another match exists. Stores that keep their index in memory (the memory and file
 * stores) share it; a SQL store pages in its query and uses only {@link PageToken}.
 */
public final class KeysetPager {
    private KeysetPager() {}

    /**
     * @param index the experiment's index in scan order (read under the store's lock)
     * @param scan what to read: range, filter, page size, where to continue
     * @param load reads an entry's trace (with its current assessments), or null to skip an entry that is gone
     * @param <V> the index's entry type
     * @return the page
     */
    public static <V> TracePage page(NavigableMap<ScanKey, V> index, Scan scan, Function<V, Trace> load) {
        if (!scan.to().isAfter(scan.from())) {
            return new TracePage(List.of(), null);
        }
        NavigableMap<ScanKey, V> range =
                index.subMap(ScanKey.first(scan.from()), true, ScanKey.first(scan.to()), false);
        if (scan.after() != null) {
            range = range.tailMap(scan.after(), false);
        }
        List<Trace> page = new ArrayList<>(Math.min(scan.maxResults(), 256));
        ScanKey last = null;
        for (Map.Entry<ScanKey, V> e : range.entrySet()) {
            Trace t = load.apply(e.getValue());
            if (t == null || !scan.filter().test(t)) {
                continue;
            }
            if (page.size() == scan.maxResults()) {
                // another match exists past this page
                return new TracePage(page, new PageToken(scan.experimentId(), last).encode(scan.storeTag()));
            }
            page.add(t);
            last = e.getKey();
        }
        return new TracePage(page, null);
    }

    /**
     * Counts what a scan from the first page would return: the range {@code [from, to)}, filtered. Without a
     * filter, the range's size, read without loading a trace; with one, each trace in the range is loaded and
     * tested, as a scan does.
     *
     * @param index the experiment's index in scan order (read under the store's lock)
     * @param scan the range and filter ({@link Scan#after()} and the page size are ignored)
     * @param unfiltered true when the query has no filter: entries are counted without loading them
     * @param load reads an entry's trace (with its current assessments), or null to skip an entry that is gone
     * @param <V> the index's entry type
     * @return the number of matching traces
     */
    public static <V> long count(NavigableMap<ScanKey, V> index, Scan scan, boolean unfiltered,
            Function<V, Trace> load) {
        if (!scan.to().isAfter(scan.from())) {
            return 0;
        }
        NavigableMap<ScanKey, V> range =
                index.subMap(ScanKey.first(scan.from()), true, ScanKey.first(scan.to()), false);
        if (unfiltered) {
            return range.size();
        }
        long n = 0;
        for (V v : range.values()) {
            Trace t = load.apply(v);
            if (t != null && scan.filter().test(t)) {
                n++;
            }
        }
        return n;
    }

    /** @return an empty index, for an experiment without traces */
    public static <V> NavigableMap<ScanKey, V> emptyIndex() {
        return new TreeMap<>();
    }

    /**
     * A checked scan request (see {@link StoreArguments#scan}).
     *
     * @param experimentId the experiment scanned
     * @param from inclusive start of the request-time range
     * @param to exclusive end
     * @param filter the compiled filter (match-all when the query has none)
     * @param after the key the page continues after, or null for the first page
     * @param maxResults the page size, 1 or more
     * @param storeTag the tag of the store's page tokens
     */
    public record Scan(String experimentId, java.time.Instant from, java.time.Instant to, Predicate<Trace> filter,
            ScanKey after, int maxResults, String storeTag) {}
}
