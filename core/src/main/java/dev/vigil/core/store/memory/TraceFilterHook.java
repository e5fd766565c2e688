package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import java.util.function.BiPredicate;

/**
 * How the memory store decides whether a trace matches a scan's filter. The filter language's evaluator lives in
 * {@code dev.vigil.core.filter}; the store takes it as a plain predicate so the two stay independent.
 */
final class TraceFilterHook {
    private TraceFilterHook() {}

    /**
     * The predicate used until the filter evaluator is wired in: it refuses filtered scans loudly rather than
     * ignoring the filter and returning traces that do not match.
     *
     * @return a predicate that throws for every filter
     */
    static BiPredicate<FilterExpr, Trace> unwired() {
        return (filter, trace) -> {
            throw new InvalidInputException("the memory store cannot apply the filter '" + filter.toFilterString()
                    + "' yet: no filter evaluator is wired in; scan without a filter");
        };
    }
}
