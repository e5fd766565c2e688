package dev.vigil.spi.store;

import java.util.List;
import java.util.Optional;

/**
 * Stored monitors (versioned definitions) and their state history. Definitions are opaque JSON to the store;
 * vigil-core validates them before they are stored.
 */
public interface MonitorStore {

    /**
     * Stores a new version of a monitor. It must be the next version of its name: 1 for a new name, else the
     * latest + 1.
     *
     * @param monitor the new version
     * @return the stored record
     * @throws dev.vigil.spi.StaleWriteException if that version already exists (another writer got there first)
     * @throws dev.vigil.spi.InvalidInputException if the experiment does not exist or the version skips numbers
     */
    StoredMonitor create(StoredMonitor monitor);

    /**
     * @param experimentId the experiment
     * @param name the monitor
     * @return its highest version
     */
    Optional<StoredMonitor> latest(String experimentId, String name);

    /**
     * @param experimentId the experiment
     * @return the latest version of every monitor, ordered by name
     */
    List<StoredMonitor> list(String experimentId);

    /**
     * Deletes every version of a monitor and its history.
     *
     * @param experimentId the experiment
     * @param name the monitor
     * @return how many versions were deleted
     */
    int delete(String experimentId, String name);

    /**
     * Appends a transition to a monitor's history. Appending a transition whose id is already stored is a no-op
     * (at-least-once writers may repeat themselves).
     *
     * @param transition the transition
     * @return true if it was new
     */
    boolean appendTransition(MonitorTransition transition);

    /**
     * @param experimentId the experiment
     * @param name the monitor
     * @param limit at most this many, 1 or more
     * @return the newest transitions first
     */
    List<MonitorTransition> history(String experimentId, String name, int limit);
}
