/**
 * The filter language's abstract syntax tree: MLflow's {@code search_traces} filter strings, parsed by
 * vigil-core and translated by stores into their own queries.
 */
package dev.vigil.spi.filter;
