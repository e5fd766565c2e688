package dev.vigil.spi.store;

import dev.vigil.spi.scorer.ScorerVersion;
import java.util.List;
import java.util.Optional;

/**
 * Registered scorer versions with their sampling configuration. Writes are optimistic: each stored record has a
 * revision, and a write based on a revision that is no longer current is rejected with
 * {@link dev.vigil.spi.StaleWriteException}, never applied.
 */
public interface ScorerStore {

    /**
     * Stores a new version. It must be the next version of its name: 1 for a new name, else the latest + 1, and
     * its revision must be 1.
     *
     * @param version the new version
     * @return the stored record
     * @throws dev.vigil.spi.StaleWriteException if that version already exists (another writer got there first)
     * @throws dev.vigil.spi.InvalidInputException if the experiment does not exist or the version skips numbers
     */
    ScorerVersion create(ScorerVersion version);

    /**
     * Replaces a stored version with {@code updated}, whose revision must be exactly one more than the stored
     * record's (build it with {@link ScorerVersion#withSampling}).
     *
     * @param updated the new record
     * @return the stored record
     * @throws dev.vigil.spi.StaleWriteException if the stored revision is not {@code updated.revision() - 1}
     * @throws dev.vigil.spi.NotFoundException if the version does not exist (any more)
     */
    ScorerVersion update(ScorerVersion updated);

    /**
     * @param experimentId the experiment
     * @param name the registered name
     * @param version the version
     * @return that version
     */
    Optional<ScorerVersion> get(String experimentId, String name, int version);

    /**
     * @param experimentId the experiment
     * @param name the registered name
     * @return its highest version
     */
    Optional<ScorerVersion> latest(String experimentId, String name);

    /**
     * @param experimentId the experiment
     * @return every stored version, ordered by name then version
     */
    List<ScorerVersion> list(String experimentId);

    /**
     * Deletes every version of a name.
     *
     * @param experimentId the experiment
     * @param name the registered name
     * @return how many versions were deleted
     */
    int delete(String experimentId, String name);

    /**
     * Deletes one version.
     *
     * @param experimentId the experiment
     * @param name the registered name
     * @param version the version
     * @return true if it existed
     */
    boolean delete(String experimentId, String name, int version);
}
