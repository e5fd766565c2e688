/**
 * The trace filter language: MLflow's {@code search_traces} filter strings (plus {@code OR}, {@code NOT} and
 * parentheses), parsed once into the public AST of {@link dev.vigil.spi.filter} and compiled into a fast predicate
 * over a trace. See {@link dev.vigil.core.filter.TraceFilter}.
 */
package dev.vigil.core.filter;
