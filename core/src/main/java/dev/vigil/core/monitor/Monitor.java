package dev.vigil.core.monitor;

import dev.vigil.spi.store.StoredMonitor;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored monitor version with its decoded definition.
 *
 * @param experimentId the experiment
 * @param name the monitor's name
 * @param version its version (every update makes a new one)
 * @param definition what it watches
 * @param createdAt when this version was stored
 */
public record Monitor(String experimentId, String name, int version, MonitorDefinition definition,
        Instant createdAt) {

    /** Validates. */
    public Monitor {
        Objects.requireNonNull(definition, "definition");
    }

    static Monitor of(StoredMonitor s) {
        return new Monitor(s.experimentId(), s.name(), s.version(), MonitorJson.read(s.definitionJson()),
                s.createdAt());
    }
}
