package dev.vigil.core.session;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.session.SessionScorer;
import java.util.Objects;

/**
 * A session scorer as it runs: the scorer, its version (part of its assessments' key, as for trace scorers) and
 * the share of sessions it scores.
 *
 * @param scorer the scorer
 * @param version its version, 0 or more (0 for an unregistered scorer)
 * @param sampleRate the share of sessions scored, in [0, 1]; which ones is decided by the session id's hash
 */
public record SessionScorerEntry(SessionScorer scorer, int version, double sampleRate) {
    /** Validates. */
    public SessionScorerEntry {
        Objects.requireNonNull(scorer, "scorer");
        if (version < 0) {
            throw new InvalidInputException("a scorer version is 0 or more, got " + version);
        }
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new InvalidInputException("a sample rate is in [0, 1], got " + sampleRate);
        }
    }

    /**
     * @param scorer a scorer
     * @return version 0, every session scored
     */
    public static SessionScorerEntry of(SessionScorer scorer) {
        return new SessionScorerEntry(scorer, 0, 1.0);
    }

    /** @return the scorer's name */
    public String name() {
        return scorer.name();
    }
}
