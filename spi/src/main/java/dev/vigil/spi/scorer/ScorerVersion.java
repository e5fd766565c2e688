package dev.vigil.spi.scorer;

import dev.vigil.spi.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/**
 * One stored version of a registered scorer: its definition, its sampling configuration, and the revision used
 * for optimistic concurrency (every accepted write gives a new revision; a write based on an older one is
 * rejected).
 *
 * @param experimentId the experiment it is registered in
 * @param name the registered name (1–256 characters)
 * @param version 1, 2, ...
 * @param definition how to rebuild the scorer
 * @param sampling its sampling configuration
 * @param revision the revision of this record, 1 on creation
 * @param createdAt when this version was registered
 * @param updatedAt when it last changed
 */
public record ScorerVersion(String experimentId, String name, int version, ScorerDefinition definition,
        SamplingConfig sampling, long revision, Instant createdAt, Instant updatedAt) {

    /** Maximum length of a scorer name. */
    public static final int MAX_NAME_LENGTH = 256;

    /** Validates. */
    public ScorerVersion {
        if (experimentId == null || experimentId.isEmpty()) {
            throw new InvalidInputException("a scorer version needs an experiment id");
        }
        validateName(name);
        if (version < 1) {
            throw new InvalidInputException("scorer versions start at 1, got " + version + " for '" + name + "'");
        }
        Objects.requireNonNull(definition, "definition");
        sampling = sampling == null ? SamplingConfig.STOPPED : sampling;
        Objects.requireNonNull(createdAt, "createdAt");
        updatedAt = updatedAt == null ? createdAt : updatedAt;
    }

    /**
     * @param name a proposed scorer name
     * @throws InvalidInputException unless 1–256 characters without control characters
     */
    public static void validateName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new InvalidInputException("scorer names are 1–" + MAX_NAME_LENGTH + " characters, got "
                    + (name == null ? "null" : name.length() + " characters"));
        }
        if (name.isBlank()) {
            throw new InvalidInputException("scorer names must not be blank");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new InvalidInputException("scorer name contains a control character at index " + i
                        + "; control characters are not allowed");
            }
        }
    }

    /**
     * @param newSampling the new sampling configuration
     * @param now the time of the change
     * @return the next revision of this record (what a store writes)
     */
    public ScorerVersion withSampling(SamplingConfig newSampling, Instant now) {
        return new ScorerVersion(experimentId, name, version, definition, newSampling, revision + 1, createdAt, now);
    }
}
