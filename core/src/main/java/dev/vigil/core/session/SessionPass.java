package dev.vigil.core.session;

/**
 * What one pass of {@link SessionScoring#runOnce()} did, counted per (session, scorer) pair except
 * {@code sessions}.
 *
 * @param sessions sessions with a trace in the lookback window
 * @param active pairs not scored because the session was active within the idle period
 * @param notSampled pairs the scorer's sample left out
 * @param upToDate pairs already scored at the session's current version
 * @param scored pairs scored now (the result written, an error result included)
 * @param deferred pairs whose scorer failed transiently; tried again on a later pass
 * @param failed pairs among {@code scored} whose result is an error (the scorer failed for good)
 */
public record SessionPass(int sessions, int active, int notSampled, int upToDate, int scored, int deferred,
        int failed) {
    /** @return an empty pass */
    public static SessionPass empty() {
        return new SessionPass(0, 0, 0, 0, 0, 0, 0);
    }
}
