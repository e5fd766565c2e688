package dev.vigil.core.filter;

import dev.vigil.spi.filter.FilterEvaluator;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A trace filter: an MLflow {@code search_traces} filter string parsed once into its AST ({@link #expr()}, public
 * so a store can translate it into its own query) and compiled once into a fast predicate ({@link #test}).
 *
 * <p>The language:
 * <ul>
 *   <li>Fields: {@code attributes.}/{@code attribute.}/{@code trace.} + {@code status}, {@code timestamp_ms},
 *       {@code execution_time_ms}, {@code end_time_ms}, {@code name}, {@code client_request_id}, {@code run_id},
 *       {@code request_id}; {@code tags.<key>}/{@code tag.<key>}; {@code metadata.<key>}/{@code request_metadata.<key>};
 *       {@code span.name}, {@code span.type}, {@code span.status}, {@code span.attributes.<key>} (true if any span
 *       matches); {@code feedback.<name>}/{@code assessment.<name>} (the value of a valid feedback already on the
 *       trace, true if any matches). Keys with dots or other characters go in backticks:
 *       {@code tags.`mlflow.traceName`}.</li>
 *   <li>Values: {@code 'single'} or {@code "double"} quoted strings ({@code \\}, {@code \'}, {@code \"} escape),
 *       integers and decimals ({@code -5}, {@code 0.25}, {@code 1e3}).</li>
 *   <li>Operators: {@code = != < <= > >=}, {@code LIKE} and {@code ILIKE} ({@code %} and {@code _}),
 *       {@code IN (...)}, {@code NOT IN (...)}, {@code IS NULL}, {@code IS NOT NULL}; combined with {@code AND},
 *       and beyond MLflow with {@code OR}, {@code NOT} and parentheses. Keywords are case-insensitive.</li>
 * </ul>
 * A comparison on a field the trace lacks is false (except {@code IS NULL}); {@code NOT} is true whenever its
 * operand is false. The numeric attributes ({@code timestamp_ms}, {@code execution_time_ms}, {@code end_time_ms})
 * compare with numbers only. {@code attributes.name} is the {@code mlflow.traceName} tag or metadata, else the
 * root span's name; {@code attributes.run_id} is the {@code mlflow.sourceRun} metadata; {@code attributes.status}
 * is the trace state ({@code OK}, {@code ERROR}, {@code IN_PROGRESS}, {@code STATE_UNSPECIFIED}).
 *
 * <p>A string that does not parse throws {@link FilterSyntaxException} with the 1-based column, the offending
 * token and what was expected: never a match-all. Instances are immutable and thread-safe.
 */
public final class TraceFilter implements Predicate<Trace> {

    /** The filter of a null or blank filter string: every trace. */
    public static final TraceFilter MATCH_ALL = new TraceFilter(null, t -> true);

    private final FilterExpr expr;
    private final Predicate<Trace> predicate;

    private TraceFilter(FilterExpr expr, Predicate<Trace> predicate) {
        this.expr = expr;
        this.predicate = predicate;
    }

    /**
     * @param filterString a filter string, or null / blank for every trace
     * @return the compiled filter
     * @throws FilterSyntaxException if the string does not parse
     */
    public static TraceFilter parse(String filterString) {
        if (filterString == null || filterString.isBlank()) {
            return MATCH_ALL;
        }
        return of(FilterParser.parse(filterString));
    }

    /**
     * @param expr a filter tree (e.g. built by code or read from a store)
     * @return the compiled filter
     * @throws dev.vigil.spi.InvalidInputException if the tree compares a numeric attribute with a string, or uses
     *     LIKE with a number
     */
    public static TraceFilter of(FilterExpr expr) {
        Objects.requireNonNull(expr, "expr");
        return new TraceFilter(expr, FilterEvaluator.compile(expr));
    }

    /** @return the filter tree, or null for {@link #MATCH_ALL} */
    public FilterExpr expr() {
        return expr;
    }

    /** @return true if this filter matches every trace ({@link #MATCH_ALL}) */
    public boolean isMatchAll() {
        return expr == null;
    }

    /**
     * @param trace a trace
     * @return true if the trace matches
     */
    @Override
    public boolean test(Trace trace) {
        return predicate.test(trace);
    }

    /** @return the canonical filter string, empty for {@link #MATCH_ALL} */
    public String toFilterString() {
        return expr == null ? "" : expr.toFilterString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceFilter f && Objects.equals(f.expr, expr);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(expr);
    }

    @Override
    public String toString() {
        return expr == null ? "TraceFilter.MATCH_ALL" : "TraceFilter[" + expr.toFilterString() + "]";
    }
}
