package dev.vigil.spi.store;

import dev.vigil.spi.model.Trace;
import java.util.List;
import java.util.Optional;

/** Traces: appended in batches, read by id, scanned by time, tailed in arrival order. */
public interface TraceStore {

    /**
     * Writes a batch of traces atomically: all of them or none. A trace whose id is already stored replaces the
     * stored one (a trace logged IN_PROGRESS and then completed, or a retried write) and is given a new arrival
     * sequence, so that tailers see its latest form. Assessments inside the traces' info are not written here.
     *
     * @param traces the traces
     * @throws dev.vigil.spi.InvalidInputException for a trace with missing ids, negative times, or an experiment
     *     that does not exist; nothing of the batch is written
     */
    void put(List<Trace> traces);

    /**
     * @param traceId a trace id
     * @return the trace, with its current assessments in its info
     */
    Optional<Trace> get(String traceId);

    /**
     * Scans an experiment's traces in (request time, trace id) order. A scan started with a null token and
     * continued with each page's token sees every trace stored before it started exactly once, whatever other
     * threads append meanwhile.
     *
     * @param query experiment, time range and optional filter
     * @param pageToken null for the first page, else the previous page's {@link TracePage#nextPageToken()}
     * @param maxResults page size, 1 or more
     * @return the page
     * @throws dev.vigil.spi.InvalidInputException for a bad page token or page size
     */
    TracePage scan(TraceQuery query, String pageToken, int maxResults);

    /**
     * Reads traces in arrival order after a cursor.
     *
     * @param afterSequence the last sequence already processed (0 to start from the beginning)
     * @param limit the most entries to return
     * @return up to {@code limit} entries with sequence greater than {@code afterSequence}, in sequence order
     */
    List<TailEntry> tail(long afterSequence, int limit);

    /**
     * @param experimentId an experiment
     * @return how many traces it holds
     */
    long count(String experimentId);

    /**
     * Counts the traces a scan of {@code query} would return: an experiment's traces in the query's request-time
     * range that match its filter. Used to show an exact total before a long scan (a backfill) starts. Stores
     * count in place where they can (a SQL {@code COUNT(*)} with the scan's pushed-down condition); this default,
     * for stores that cannot, counts by scanning, so it is always as exact as the scan.
     *
     * @param query experiment, time range and optional filter, as for {@link #scan}
     * @return how many traces a scan started now would return (a row the store cannot decode, which the scan
     *     skips with a log line, may be counted)
     * @throws dev.vigil.spi.InvalidInputException for an unknown experiment or a filter the language rejects, as
     *     {@link #scan} does
     */
    default long count(TraceQuery query) {
        long n = 0;
        String token = null;
        do {
            TracePage page = scan(query, token, 1000);
            n += page.traces().size();
            token = page.nextPageToken();
        } while (token != null);
        return n;
    }
}
