package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/**
 * One stored version of a monitor. The store keeps the definition as JSON written and validated by vigil-core
 * ({@code dev.vigil.core.monitor.MonitorDefinition}); stores never interpret it.
 *
 * @param experimentId the experiment it watches
 * @param name the monitor's name (1–256 characters, no control characters)
 * @param version 1, 2, ... (every update stores a new version; history is kept)
 * @param definitionJson the definition, as JSON
 * @param createdAt when this version was stored
 */
public record StoredMonitor(String experimentId, String name, int version, String definitionJson,
        Instant createdAt) {

    /** Validates. */
    public StoredMonitor {
        if (experimentId == null || experimentId.isEmpty()) {
            throw new InvalidInputException("a monitor needs an experiment id");
        }
        dev.vigil.spi.scorer.ScorerVersion.validateName(name);
        if (version < 1) {
            throw new InvalidInputException("monitor versions start at 1, got " + version + " for '" + name + "'");
        }
        if (definitionJson == null || definitionJson.isBlank()) {
            throw new InvalidInputException("monitor '" + name + "' has no definition");
        }
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
