package dev.vigil.core.session;

import dev.vigil.core.sampling.Sampler;
import dev.vigil.spi.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * How session scoring runs.
 *
 * @param idleAfter how long a session must have had no activity before it is scored (MLflow: 5 minutes); a trace
 *     still IN_PROGRESS counts as activity
 * @param lookback how far back (by request time) a pass looks for sessions with recent traces; a session whose
 *     latest trace is older is not looked at again
 * @param sampler decides which sessions a scorer scores, from the session id (deterministic, as for traces)
 * @param pageSize the page size of the store scans
 */
public record SessionOptions(Duration idleAfter, Duration lookback, Sampler sampler, int pageSize) {
    /** MLflow's default idle period before a session is scored. */
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(5);
    /** The default lookback. */
    public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(1);

    /** Validates. */
    public SessionOptions {
        Objects.requireNonNull(sampler, "sampler");
        if (idleAfter == null || idleAfter.isNegative()) {
            throw new InvalidInputException("the idle period must be 0 or more, got " + idleAfter);
        }
        if (lookback == null || lookback.isNegative() || lookback.isZero() || lookback.compareTo(idleAfter) <= 0) {
            throw new InvalidInputException("the lookback must be longer than the idle period (" + idleAfter
                    + "), got " + lookback);
        }
        if (pageSize < 1) {
            throw new InvalidInputException("the page size is 1 or more, got " + pageSize);
        }
    }

    /** @return 5 minutes idle, 1 day lookback, the default sampler, pages of 500 */
    public static SessionOptions defaults() {
        return new SessionOptions(DEFAULT_IDLE, DEFAULT_LOOKBACK, Sampler.defaultSampler(), 500);
    }

    /**
     * @param idle the idle period
     * @return these options with that idle period
     */
    public SessionOptions withIdleAfter(Duration idle) {
        return new SessionOptions(idle, lookback, sampler, pageSize);
    }

    /**
     * @param v the sampler deciding which sessions a scorer scores
     * @return these options with that sampler
     */
    public SessionOptions withSampler(Sampler v) {
        return new SessionOptions(idleAfter, lookback, v, pageSize);
    }
}
