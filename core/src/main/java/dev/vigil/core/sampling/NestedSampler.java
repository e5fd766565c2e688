package dev.vigil.core.sampling;

import java.util.Objects;

/** One hash per trace, whatever the scorer: samples nest across scorers. */
final class NestedSampler implements Sampler {

    static final NestedSampler DEFAULT = new NestedSampler(DEFAULT_SEED);

    private final long seed;

    NestedSampler(long seed) {
        this.seed = seed;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public boolean isNested() {
        return true;
    }

    @Override
    public long hash(String traceId, String scorerName) {
        return TraceIdHash.hash(seed, Objects.requireNonNull(traceId, "traceId"));
    }

    @Override
    public String toString() {
        return "Sampler.nested(" + seed + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NestedSampler n && n.seed == seed;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seed);
    }
}
