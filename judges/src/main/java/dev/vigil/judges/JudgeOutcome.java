package dev.vigil.judges;

import dev.vigil.spi.judge.JudgeResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * One answered judge call through the runtime, with its accounting (a failure is thrown as a
 * {@link dev.vigil.spi.judge.JudgeException} instead).
 *
 * @param modelUri the model asked
 * @param response the answer
 * @param cached whether the answer came from the cache
 * @param latency wall time of the call
 * @param costUsd the cost, or null when unknown (no price, unknown tokens, cache hit costs nothing)
 */
public record JudgeOutcome(String modelUri, JudgeResponse response, boolean cached, Duration latency, Double costUsd) {

    /** @return the cost, if known */
    public Optional<Double> cost() {
        return Optional.ofNullable(costUsd);
    }
}
