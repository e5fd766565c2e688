package dev.vigil.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Publishes the engine's metrics to a Micrometer registry. Micrometer is an optional dependency of vigil-core:
 * this class is loaded only when the application calls {@link #of}, which needs {@code micrometer-core} on its
 * path.
 *
 * <p>Meters: {@code vigil.traces.seen}; per {@code scorer} tag: {@code vigil.scorer.sampled},
 * {@code vigil.scorer.scored}, {@code vigil.scorer.failed} (also tagged {@code code}), {@code vigil.scorer.latency}
 * (timer, with p50/p99), {@code vigil.judge.tokens} (tagged {@code direction} = input/output),
 * {@code vigil.judge.cost} (USD); gauges {@code vigil.engine.queue.depth} and {@code vigil.engine.cursor.lag};
 * per {@code experiment} tag, the session monitor's {@code vigil.session.passes}, {@code vigil.session.scored},
 * {@code vigil.session.failed} and {@code vigil.session.deferred} (counted per session and scorer).
 */
public final class MicrometerMetrics implements EngineMetrics {

    private final MeterRegistry registry;

    private MicrometerMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * @param registry the registry to publish to
     * @return metrics publishing there
     */
    public static EngineMetrics of(MeterRegistry registry) {
        return new MicrometerMetrics(registry);
    }

    @Override
    public void traceSeen(String experimentId) {
        registry.counter("vigil.traces.seen", "experiment", experimentId).increment();
    }

    @Override
    public void sampled(String scorer) {
        registry.counter("vigil.scorer.sampled", "scorer", scorer).increment();
    }

    @Override
    public void scored(String scorer, long durationNanos) {
        registry.counter("vigil.scorer.scored", "scorer", scorer).increment();
        Timer.builder("vigil.scorer.latency").tag("scorer", scorer).publishPercentiles(0.5, 0.99)
                .register(registry).record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void failed(String scorer, String code) {
        Counter.builder("vigil.scorer.failed").tag("scorer", scorer).tag("code", code).register(registry)
                .increment();
    }

    @Override
    public void judgeUsage(String scorer, long inputTokens, long outputTokens, double costUsd) {
        registry.counter("vigil.judge.tokens", "scorer", scorer, "direction", "input").increment(inputTokens);
        registry.counter("vigil.judge.tokens", "scorer", scorer, "direction", "output").increment(outputTokens);
        registry.counter("vigil.judge.cost", "scorer", scorer).increment(costUsd);
    }

    @Override
    public void sessionPass(String experimentId, int scored, int failed, int deferred) {
        registry.counter("vigil.session.passes", "experiment", experimentId).increment();
        registry.counter("vigil.session.scored", "experiment", experimentId).increment(scored);
        registry.counter("vigil.session.failed", "experiment", experimentId).increment(failed);
        registry.counter("vigil.session.deferred", "experiment", experimentId).increment(deferred);
    }

    @Override
    public void bindGauges(LongSupplier queueDepth, LongSupplier cursorLag) {
        Gauge.builder("vigil.engine.queue.depth", queueDepth, s -> s.getAsLong()).register(registry);
        Gauge.builder("vigil.engine.cursor.lag", cursorLag, s -> s.getAsLong()).register(registry);
    }
}
