/**
 * The filter language's abstract syntax tree (MLflow's {@code search_traces} filter strings, parsed by vigil-core)
 * and its evaluator, {@link dev.vigil.spi.filter.FilterEvaluator}: a store translates the tree into its own query
 * and evaluates with the evaluator whatever it cannot push down, depending on the SPI only.
 */
package dev.vigil.spi.filter;
