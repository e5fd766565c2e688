/**
 * Deterministic sampling: which traces a scorer scores, as a pure function of the trace id, the sample rate and
 * a seed, identical across restarts, machines, live monitoring and backfill. See {@link dev.vigil.core.sampling.Sampler}.
 */
package dev.vigil.core.sampling;
