package dev.vigil.judges;

import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.judge.JudgeResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The end of one judge call through the runtime: an answer or the failure that ended it, with accounting.
 *
 * @param modelUri the model asked
 * @param response the answer, or null on failure
 * @param failure the failure, or null on success
 * @param attempts how many HTTP attempts were made (0 when answered from the cache or refused locally)
 * @param cached whether the answer came from the cache
 * @param latency wall time of the whole call, retries and waits included
 * @param costUsd the cost, or null when unknown (no price, unknown tokens, cache hit costs nothing)
 */
public record JudgeOutcome(String modelUri, JudgeResponse response, JudgeException failure, int attempts,
        boolean cached, Duration latency, Double costUsd) {

    /** @return true if the call produced an answer */
    public boolean ok() {
        return response != null;
    }

    /** @return the cost, if known */
    public Optional<Double> cost() {
        return Optional.ofNullable(costUsd);
    }
}
