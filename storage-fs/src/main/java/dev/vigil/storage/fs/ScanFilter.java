package dev.vigil.storage.fs;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import java.util.function.Predicate;

/** Compiles a scan's filter into a predicate over traces (with their assessments). */
final class ScanFilter {
    private ScanFilter() {}

    static Predicate<Trace> compile(FilterExpr filter) {
        throw new InvalidInputException("the file store cannot apply the filter '" + filter.toFilterString()
                + "' yet: the filter evaluator (dev.vigil.core.filter.TraceFilter) is not available; scan without "
                + "a filter");
    }
}
