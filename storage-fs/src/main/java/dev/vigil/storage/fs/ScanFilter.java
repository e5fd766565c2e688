package dev.vigil.storage.fs;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import java.util.function.Predicate;

/**
 * Compiles a scan's filter into a predicate over traces (with their assessments), with the engine's filter
 * evaluator. The file store keeps no secondary index on tags or metadata, so filters are applied while scanning.
 */
final class ScanFilter {
    private ScanFilter() {}

    static Predicate<Trace> compile(FilterExpr filter) {
        return TraceFilter.of(filter);
    }
}
