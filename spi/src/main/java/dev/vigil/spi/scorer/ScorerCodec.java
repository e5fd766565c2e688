package dev.vigil.spi.scorer;

/**
 * Rebuilds scorers of one kind from their {@link ScorerDefinition}. Found by {@link java.util.ServiceLoader};
 * each module owning a kind of scorer provides one.
 */
public interface ScorerCodec {

    /** @return the kind this codec owns, e.g. {@code java} */
    String kind();

    /**
     * @param name the registered name the scorer takes
     * @param definition its definition (of this codec's kind)
     * @return the scorer
     * @throws dev.vigil.spi.InvalidInputException if the definition is invalid, saying what is wrong
     */
    Scorer decode(String name, ScorerDefinition definition);

    /**
     * Whether a definition of this codec's kind is a session-level scorer (judges whole sessions): by default the
     * definition is decoded and the scorer asked ({@link dev.vigil.spi.session.SessionScorer#sessionLevel()} when
     * it implements {@link dev.vigil.spi.session.SessionScorer}, else trace level). Codecs that can tell from the
     * definition alone override this to avoid building the scorer.
     *
     * @param definition a definition of this codec's kind
     * @return true for a session-level scorer, false for a trace-level one
     * @throws dev.vigil.spi.InvalidInputException if the definition is invalid
     */
    default boolean sessionLevel(ScorerDefinition definition) {
        Scorer scorer = decode("level_probe", definition);
        return scorer instanceof dev.vigil.spi.session.SessionScorer s && s.sessionLevel();
    }
}
