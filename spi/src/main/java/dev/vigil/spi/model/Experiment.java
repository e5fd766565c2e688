package dev.vigil.spi.model;

import dev.vigil.spi.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/**
 * An experiment: the place traces are logged to and scorers are registered in.
 *
 * @param experimentId the id (assigned by the store)
 * @param name the unique name
 * @param createdAt when it was created
 */
public record Experiment(String experimentId, String name, Instant createdAt) {
    /** Maximum length of an experiment name. */
    public static final int MAX_NAME_LENGTH = 256;

    /** Validates. */
    public Experiment {
        if (experimentId == null || experimentId.isEmpty()) {
            throw new InvalidInputException("an experiment needs an id");
        }
        validateName(name);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * @param name a proposed experiment name
     * @throws InvalidInputException unless it is 1–256 characters with no control characters
     */
    public static void validateName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new InvalidInputException("experiment names are 1–" + MAX_NAME_LENGTH + " characters, got "
                    + (name == null ? "null" : name.length() + " characters"));
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new InvalidInputException("experiment name contains a control character at index " + i
                        + " (U+" + String.format("%04X", (int) name.charAt(i)) + "); control characters are not allowed");
            }
        }
    }
}
