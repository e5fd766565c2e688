package dev.vigil.core.sampling;

import java.util.Objects;

/** A hash of trace id and scorer name: each scorer draws its own sample. */
final class IndependentSampler implements Sampler {

    private final long seed;

    IndependentSampler(long seed) {
        this.seed = seed;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public boolean isNested() {
        return false;
    }

    @Override
    public long hash(String traceId, String scorerName) {
        return TraceIdHash.hash(seed, Objects.requireNonNull(traceId, "traceId"),
                Objects.requireNonNull(scorerName, "scorerName (independent sampling hashes it)"));
    }

    @Override
    public String toString() {
        return "Sampler.independent(" + seed + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndependentSampler n && n.seed == seed;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seed) * 31 + 1;
    }
}
