package dev.vigil.spi.store;

import java.util.OptionalInt;

/**
 * Writes fenced by a lease, and the stream settings every engine must agree on. Reached from
 * {@link Store#coordination()}; thread-safe.
 *
 * <h2>Fencing</h2>
 * An engine that holds a lease ({@link JobStore#tryAcquire}) passes it with each cursor or checkpoint write. The
 * store applies the write only if, in the same atomic step, that lease is still the current holder's (same
 * resource, same token) and has not expired by the store's clock; otherwise it throws
 * {@link dev.vigil.spi.StaleWriteException} and changes nothing. An engine paused past its lease (a long GC pause,
 * a network partition) therefore cannot move a cursor another engine now owns.
 *
 * <h2>Partition count</h2>
 * The engine splits the trace stream into partitions, each with its own cursor. The count is stored once, by the
 * first engine; engines started with another count refuse to start, and it is only changed by
 * {@link #changePartitionCount}, which carries the cursors over.
 */
public interface Coordination {

    /**
     * Saves a cursor position (forward only, as {@link JobStore#saveCursor}) if {@code fence} is still current.
     *
     * @param name the cursor name
     * @param position the position, 0 or more
     * @param fence the lease the writer holds on the resource the cursor belongs to
     * @throws dev.vigil.spi.StaleWriteException if the lease expired or another holder took it
     */
    void saveCursor(String name, long position, Lease fence);

    /**
     * Updates a job (checkpoint, progress, status) as {@link JobStore#update} does, if {@code fence} is still current.
     *
     * @param updated the job's next revision
     * @param fence the lease the writer holds on the job
     * @return the stored job
     * @throws dev.vigil.spi.StaleWriteException if the lease expired or another holder took it, or on a revision
     *     conflict
     */
    Job updateJob(Job updated, Lease fence);

    /**
     * @param stream the stream name (the engine's is {@code "traces"})
     * @return its stored partition count, or empty if never stored
     */
    OptionalInt partitionCount(String stream);

    /**
     * Stores the partition count of a stream that has none yet; returns the stored count either way (a racing
     * engine may have stored another).
     *
     * @param stream the stream name
     * @param partitions the count, 1 or more
     * @return the count now stored
     */
    int initPartitionCount(String stream, int partitions);

    /**
     * Changes a stream's partition count from {@code expected} to {@code partitions}, atomically with its cursors:
     * every new cursor starts at the lowest of the old cursors ({@code cursorPrefix + expected + "." + i}), so no
     * arrival is skipped (arrivals re-read are already scored and are not scored again).
     *
     * @param stream the stream name
     * @param cursorPrefix the cursors' name prefix; a cursor is named {@code prefix + count + "." + partition}
     * @param expected the count the caller believes is stored
     * @param partitions the new count, 1 or more
     * @throws dev.vigil.spi.StaleWriteException if the stored count is not {@code expected}
     */
    void changePartitionCount(String stream, String cursorPrefix, int expected, int partitions);

    /**
     * The fencing rule, for store implementations: a write fenced by {@code fence} may go ahead only if the
     * resource's current lease is that one (same owner and token) and has not expired at {@code now}.
     *
     * @param current the resource's stored lease, or null if none
     * @param fence the writer's lease
     * @param now the store's clock
     * @param what the write, for the message
     * @throws dev.vigil.spi.StaleWriteException if the write must be refused
     */
    static void requireCurrent(Lease current, Lease fence, java.time.Instant now, String what) {
        if (fence == null) {
            throw new dev.vigil.spi.InvalidInputException(what + " needs the writer's lease as a fence, got null");
        }
        if (current == null || current.token() != fence.token() || !current.owner().equals(fence.owner())) {
            throw new dev.vigil.spi.StaleWriteException(what + " refused: lease " + fence.resource() + " token "
                    + fence.token() + " of " + fence.owner() + " is no longer current"
                    + (current == null ? " (released)" : " (now token " + current.token() + " of " + current.owner()
                    + ")") + "; another engine owns it now");
        }
        if (!now.isBefore(current.expiresAt())) {
            throw new dev.vigil.spi.StaleWriteException(what + " refused: lease " + fence.resource() + " token "
                    + fence.token() + " of " + fence.owner() + " expired at " + current.expiresAt()
                    + "; renew it in time or re-acquire it");
        }
    }
}
