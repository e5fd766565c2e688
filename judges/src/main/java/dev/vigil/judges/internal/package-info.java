/**
 * Judge internals (not exported): the prompts and answer formats of each judge kind, reading trace content,
 * parsing answers, and the circuit breaker.
 */
package dev.vigil.judges.internal;
