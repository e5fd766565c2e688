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
}
