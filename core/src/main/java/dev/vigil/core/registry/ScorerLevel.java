package dev.vigil.core.registry;

import dev.vigil.core.engine.internal.Unavailable;
import dev.vigil.core.scorer.ScorerCodecs;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.session.SessionScorer;

/**
 * The level a registered scorer works at. Trace-level scorers are run by the monitoring engine on each trace (and
 * by trace backfills); session-level scorers (MLflow's multi-turn scorers) are run on whole idle sessions by
 * {@link dev.vigil.core.session.SessionMonitor} (and by session backfills). Each path skips the other level.
 */
public enum ScorerLevel {
    /** Scores one trace at a time. */
    TRACE,
    /** Scores a whole session (conversation) at a time. */
    SESSION;

    /**
     * The level of a scorer instance: {@link #SESSION} if it is a {@link SessionScorer} whose
     * {@link SessionScorer#sessionLevel()} says so. A scorer this process cannot build is asked about through its
     * kind's codec ({@link dev.vigil.spi.scorer.ScorerCodec#sessionLevel(ScorerDefinition)}), and is trace level if
     * that cannot tell either.
     *
     * @param scorer the scorer instance
     * @param definition its stored definition
     * @return its level
     */
    public static ScorerLevel of(Scorer scorer, ScorerDefinition definition) {
        try {
            if (scorer instanceof Unavailable) {
                return ScorerCodecs.codec(definition.kind()).sessionLevel(definition) ? SESSION : TRACE;
            }
            return scorer instanceof SessionScorer s && s.sessionLevel() ? SESSION : TRACE;
        } catch (RuntimeException cannotTell) {
            return TRACE;
        }
    }

    /** @return the level's lower-case name, as shown by the CLI and the REST API */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
