package dev.vigil.spi.store.support;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.FilterEvaluator;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.spi.store.WriteLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The checks of a store call's arguments that every backend makes the same way, before it takes a lock or opens a
 * transaction: each failure is an {@link InvalidInputException} that says what was wrong and what is allowed, and
 * nothing is written.
 */
public final class StoreArguments {
    private StoreArguments() {}

    /**
     * @param value an argument
     * @param operation the operation and what it needs, e.g. {@code "create needs a job"}
     * @param <T> its type
     * @return the value
     * @throws InvalidInputException if it is null
     */
    public static <T> T present(T value, String operation) {
        if (value == null) {
            throw new InvalidInputException(operation + ", got null");
        }
        return value;
    }

    /**
     * @param name a cursor name, lease resource or lease owner
     * @param what what it names, e.g. {@code "cursor name"}
     * @return the name
     * @throws InvalidInputException if it is null or empty
     */
    public static String name(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("a " + what + " must be a non-empty string");
        }
        return name;
    }

    /**
     * @param ttl a lease time-to-live
     * @return the ttl
     * @throws InvalidInputException if it is null, zero or negative
     */
    public static Duration ttl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("a lease time-to-live must be positive, got " + ttl);
        }
        return ttl;
    }

    /**
     * @param name the cursor's name
     * @param position its new position
     * @throws InvalidInputException if the name is empty or the position negative
     */
    public static void cursor(String name, long position) {
        name(name, "cursor name");
        if (position < 0) {
            throw new InvalidInputException("cursor '" + name + "' position must be 0 or more, got " + position);
        }
    }

    /**
     * @param afterSequence the tail cursor
     * @param limit the most entries wanted
     * @throws InvalidInputException if the cursor is negative or the limit below 1
     */
    public static void tail(long afterSequence, int limit) {
        if (afterSequence < 0) {
            throw new InvalidInputException("tail cursor must be 0 or more, got " + afterSequence);
        }
        if (limit < 1) {
            throw new InvalidInputException("tail limit must be 1 or more, got " + limit);
        }
    }

    /**
     * @param experimentId the experiment
     * @param scorerName the scorer
     * @param from inclusive start of the request-time range
     * @param to exclusive end
     * @throws InvalidInputException if a part is missing or the range ends before it starts
     */
    public static void valuesByScorer(String experimentId, String scorerName, Instant from, Instant to) {
        if (experimentId == null || scorerName == null) {
            throw new InvalidInputException("valuesByScorer needs an experiment id and a scorer name, got "
                    + experimentId + " and " + scorerName);
        }
        if (from == null || to == null) {
            throw new InvalidInputException("valuesByScorer needs both ends of the time range, got [" + from + ", "
                    + to + ")");
        }
        if (to.isBefore(from)) {
            throw new InvalidInputException("time range ends (" + to + ") before it starts (" + from + ")");
        }
    }

    /**
     * Checks a batch of traces to store, before anything is written: the list and every trace present, each
     * valid for storage ({@link Trace#validateForStorage()}) and within the write limits.
     *
     * @param traces the batch
     * @param limits the limits to check, or null for none
     * @return the traces without their assessments (a store keeps those in its assessment store), in order
     * @throws InvalidInputException if any check fails; nothing of the batch may then be written
     */
    public static List<Trace> traceBatch(List<Trace> traces, WriteLimits limits) {
        present(traces, "put needs a list of traces");
        List<Trace> batch = new ArrayList<>(traces.size());
        for (int i = 0; i < traces.size(); i++) {
            Trace t = traces.get(i);
            if (t == null) {
                throw new InvalidInputException("trace " + i + " of the batch is null; nothing was written");
            }
            t.validateForStorage();
            if (limits != null) {
                limits.check(t);
            }
            batch.add(t.info().assessments().isEmpty() ? t : t.withAssessments(List.of()));
        }
        return batch;
    }

    /**
     * Checks a scan's arguments, decodes its page token and compiles its filter (so that a filter the language
     * rejects fails the same on every store, before any reading).
     *
     * @param query the query
     * @param pageToken null for the first page, else the previous page's token
     * @param maxResults the page size
     * @param storeTag the tag of this store's page tokens
     * @return the checked scan
     * @throws InvalidInputException if the query is null, the page size below 1, the token not this store's for
     *     this experiment, or the filter invalid
     */
    public static KeysetPager.Scan scan(TraceQuery query, String pageToken, int maxResults, String storeTag) {
        return scan(query, pageToken, maxResults, storeTag, FilterEvaluator::compile);
    }

    /**
     * As {@link #scan(TraceQuery, String, int, String)}, with another filter compiler.
     *
     * @param query the query
     * @param pageToken null for the first page, else the previous page's token
     * @param maxResults the page size
     * @param storeTag the tag of this store's page tokens
     * @param compiler turns the query's filter into a predicate
     * @return the checked scan
     */
    public static KeysetPager.Scan scan(TraceQuery query, String pageToken, int maxResults, String storeTag,
            Function<FilterExpr, Predicate<Trace>> compiler) {
        present(query, "scan needs a query");
        if (maxResults < 1) {
            throw new InvalidInputException("page size must be 1 or more, got " + maxResults);
        }
        ScanKey after = pageToken == null ? null
                : PageToken.decode(pageToken, storeTag, query.experimentId()).key();
        Predicate<Trace> filter = query.filter() == null ? t -> true : compiler.apply(query.filter());
        return new KeysetPager.Scan(query.experimentId(), query.from(), query.to(), filter, after, maxResults,
                storeTag);
    }
}
