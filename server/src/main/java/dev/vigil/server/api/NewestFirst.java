package dev.vigil.server.api;

import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.spi.store.TraceStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Newest-first keyset paging over a store whose scans run oldest first: scans growing windows back in time from
 * the page's upper bound (each window with the store's time-range and filter pushdown) until a page is full or
 * the range is exhausted. The page token is the (request time, trace id) of the last trace returned, so pages never
 * repeat or skip a trace whatever is appended meanwhile.
 */
final class NewestFirst {

    private static final Comparator<Trace> NEWEST_FIRST = Comparator
            .comparing((Trace t) -> t.info().requestTime()).reversed()
            .thenComparing(Comparator.comparing((Trace t) -> t.info().traceId()).reversed());
    private static final Duration FIRST_WINDOW = Duration.ofMinutes(10);

    private NewestFirst() {}

    /**
     * @param traces the store
     * @param experimentId the experiment
     * @param from earliest request time, inclusive
     * @param to latest request time, exclusive
     * @param filter pushed-down filter, or null
     * @param pageToken null for the first page
     * @param max page size
     * @return the page, newest first
     */
    static TracePage page(TraceStore traces, String experimentId, Instant from, Instant to, FilterExpr filter,
            String pageToken, int max) {
        Instant upper = to; // exclusive, unless a token names the last trace seen
        String afterId = null;
        if (pageToken != null) {
            String[] parts = decode(pageToken);
            upper = Instant.ofEpochMilli(Long.parseLong(parts[0]));
            afterId = parts[1];
        }
        List<Trace> found = new ArrayList<>();
        Instant hi = afterId == null ? upper : upper.plusMillis(1);
        Duration w = FIRST_WINDOW;
        while (hi.isAfter(from) && found.size() <= max) {
            Instant lo = hi.minus(w).isBefore(from) ? from : hi.minus(w);
            String token = null;
            do {
                TracePage p = traces.scan(new TraceQuery(experimentId, lo, hi, filter), token, 1000);
                for (Trace t : p.traces()) {
                    if (afterId == null || before(t, upper, afterId)) {
                        found.add(t);
                    }
                }
                token = p.nextPageToken();
            } while (token != null);
            hi = lo;
            w = w.multipliedBy(4);
        }
        found.sort(NEWEST_FIRST);
        if (found.size() <= max) {
            return new TracePage(List.copyOf(found), null);
        }
        List<Trace> page = List.copyOf(found.subList(0, max));
        Trace last = page.getLast();
        return new TracePage(page, encode(last.info().requestTime().toEpochMilli(), last.info().traceId()));
    }

    /** @return true if {@code t} comes after (older than) the keyset position in newest-first order */
    private static boolean before(Trace t, Instant time, String id) {
        long tm = t.info().requestTime().toEpochMilli();
        long at = time.toEpochMilli();
        return tm < at || (tm == at && t.info().traceId().compareTo(id) < 0);
    }

    private static String encode(long millis, String traceId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((millis + "|" + traceId)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String[] decode(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int bar = s.indexOf('|');
            if (bar < 1) {
                throw new IllegalArgumentException("no separator");
            }
            Long.parseLong(s.substring(0, bar));
            return new String[] {s.substring(0, bar), s.substring(bar + 1)};
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("pageToken is not one this API returned (use the nextPageToken of the"
                    + " previous page, or none for the first page)");
        }
    }
}
