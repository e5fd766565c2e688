/**
 * Vigil's service-provider interface: the immutable values every module shares (traces, spans, assessments,
 * scorer definitions, the filter AST) and the interfaces plug-ins implement (scorers, scorer codecs, judge
 * providers, stores). This package holds the exception hierarchy.
 */
package dev.vigil.spi;
