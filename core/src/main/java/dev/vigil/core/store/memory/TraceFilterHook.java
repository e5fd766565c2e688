package dev.vigil.core.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import java.util.function.BiPredicate;

/**
 * How the memory store decides whether a trace matches a scan's filter: the filter language's compiled predicate
 * ({@link TraceFilter}), each distinct filter tree compiled once and kept in a small cache, so a scan evaluates a
 * compiled predicate per trace rather than re-compiling.
 */
final class TraceFilterHook {
    private TraceFilterHook() {}

    /** @return a predicate applying {@link TraceFilter#of(FilterExpr)} with a cache of compiled filters */
    static BiPredicate<FilterExpr, Trace> compiled() {
        Cache<FilterExpr, TraceFilter> cache = Caffeine.newBuilder().maximumSize(256).build();
        return (filter, trace) -> cache.get(filter, TraceFilter::of).test(trace);
    }
}
