package dev.vigil.judges;

import dev.vigil.spi.judge.JudgeException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Micrometer meters of judge calls: {@code vigil.judge.calls} (tags model, outcome = ok / cached / the failure
 * kind), {@code vigil.judge.latency} (timer), {@code vigil.judge.tokens} (tags model, direction),
 * {@code vigil.judge.cost.usd}. Loaded only when an application passes a registry, so Micrometer stays optional.
 */
final class MicrometerJudgeMeter implements JudgeMeter {
    private final MeterRegistry meters;

    MicrometerJudgeMeter(MeterRegistry registry) {
        this.meters = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void record(JudgeOutcome o, JudgeException failure) {
        String outcome = o.cached() ? "cached" : failure == null ? "ok" : failure.code();
        meters.counter("vigil.judge.calls", "model", o.modelUri(), "outcome", outcome).increment();
        meters.timer("vigil.judge.latency", "model", o.modelUri()).record(o.latency());
        if (failure == null && !o.cached()) {
            if (o.response().inputTokens() > 0) {
                meters.counter("vigil.judge.tokens", "model", o.modelUri(), "direction", "input")
                        .increment(o.response().inputTokens());
            }
            if (o.response().outputTokens() > 0) {
                meters.counter("vigil.judge.tokens", "model", o.modelUri(), "direction", "output")
                        .increment(o.response().outputTokens());
            }
            if (o.costUsd() != null) {
                meters.counter("vigil.judge.cost.usd", "model", o.modelUri()).increment(o.costUsd());
            }
        }
    }
}
