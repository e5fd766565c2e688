package dev.vigil.spi.store.support;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;

/**
 * Optimistic concurrency by revision, as every store applies it to jobs, scorer versions and monitors: a record is
 * created at revision 1; an update carries the revision it was based on plus one and is refused with a
 * {@link StaleWriteException} when the stored revision is another; scorer versions are created as latest + 1.
 */
public final class Revisions {
    private Revisions() {}

    /**
     * @param revision the revision of a record to create
     * @param what the record, e.g. {@code "job j1"}
     * @throws InvalidInputException unless it is 1
     */
    public static void requireNew(long revision, String what) {
        if (revision != 1) {
            throw new InvalidInputException("a new record has revision 1, got " + revision + " for " + what);
        }
    }

    /**
     * @param what the record, e.g. {@code "job j1"}
     * @param current the stored revision, or null if the record does not exist
     * @param updated the revision the update writes (the one it was based on, plus one)
     * @throws NotFoundException if the record does not exist
     * @throws StaleWriteException if the stored revision is not the one the update was based on
     */
    public static void checkUpdate(String what, Long current, long updated) {
        if (current == null) {
            throw new NotFoundException(what + " does not exist");
        }
        if (current != updated - 1) {
            throw stale(what, current, updated);
        }
    }

    /**
     * @param what the record
     * @param current the stored revision
     * @param updated the revision the refused update writes
     * @return the error for an update based on an older revision (for stores that learn it after a failed
     *     compare-and-set, as SQL stores do)
     */
    public static StaleWriteException stale(String what, long current, long updated) {
        return new StaleWriteException(what + " is at revision " + current + " but the write was based on revision "
                + (updated - 1) + "; re-read it and apply the change again");
    }

    /**
     * @param what the scorer, e.g. {@code "scorer 'tone' in experiment 1"}
     * @param latest its latest stored version, 0 if none
     * @param version the version to create
     * @throws StaleWriteException if the version is at or below the latest (another writer got there first)
     * @throws InvalidInputException if it skips numbers
     */
    public static void checkNextVersion(String what, int latest, int version) {
        if (version <= latest) {
            throw new StaleWriteException(what + " already has version " + latest + "; cannot create version "
                    + version + " (another writer got there first); the next version is " + (latest + 1));
        }
        if (version != latest + 1) {
            throw new InvalidInputException(what + " is at version " + latest + "; the next version is "
                    + (latest + 1) + ", not " + version);
        }
    }
}
