package dev.vigil.spi.store.support;

import dev.vigil.spi.store.Coordination;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.Lease;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * {@link Coordination} for a store that guards its state with one read/write lock (the memory store, the file
 * store): a fenced write checks the lease and writes under the write lock, and the partition counts are a
 * {@link PartitionCounts} table beside the store's other state. A backend supplies its {@link LockedJobStore} (whose
 * lock, clock, cursors and leases are used) and, if it persists the counts, {@link #persistCounts}.
 */
public abstract class LockedCoordination implements Coordination {

    private final PartitionCounts partitionCounts = new PartitionCounts();
    private final LockedJobStore jobs;

    /** @param jobs the store's job table: its lock, clock, cursors and leases are the ones fenced writes use */
    protected LockedCoordination(LockedJobStore jobs) {
        this.jobs = java.util.Objects.requireNonNull(jobs, "jobs");
    }

    private <T> T read(Supplier<T> body) {
        return jobs.read(body);
    }

    private <T> T write(Supplier<T> body) {
        return jobs.write(body);
    }

    /**
     * Makes the partition counts durable before they are used (nothing by default: a store that keeps them in
     * memory only).
     *
     * @param next every stream's count after the change
     */
    protected void persistCounts(Map<String, Integer> next) {
    }

    /**
     * Sets a count read back from durable state while the store opens.
     *
     * @param stream a stream
     * @param partitions its stored count
     */
    protected final void loadCount(String stream, int partitions) {
        partitionCounts.put(stream, partitions);
    }

    @Override
    public void saveCursor(String name, long position, Lease fence) {
        write(() -> {
            requireCurrentLocked(fence, "saving cursor '" + name + "'");
            jobs.saveCursor(name, position);
            return null;
        });
    }

    @Override
    public Job updateJob(Job updated, Lease fence) {
        return write(() -> {
            requireCurrentLocked(fence, "updating job " + (updated == null ? null : updated.jobId()));
            return jobs.update(updated);
        });
    }

    private void requireCurrentLocked(Lease fence, String what) {
        Coordination.requireCurrent(fence == null ? null : jobs.leaseLocked(fence.resource()), fence, jobs.now(),
                what);
    }

    @Override
    public OptionalInt partitionCount(String stream) {
        return read(() -> partitionCounts.get(stream));
    }

    @Override
    public int initPartitionCount(String stream, int partitions) {
        PartitionCounts.requireCount(stream, partitions);
        return write(() -> {
            OptionalInt stored = partitionCounts.get(stream);
            if (stored.isPresent()) {
                return stored.getAsInt();
            }
            persistCounts(partitionCounts.with(stream, partitions));
            partitionCounts.put(stream, partitions);
            return partitions;
        });
    }

    @Override
    public void changePartitionCount(String stream, String cursorPrefix, int expected, int partitions) {
        PartitionCounts.requireCount(stream, partitions);
        java.util.Objects.requireNonNull(cursorPrefix, "cursorPrefix");
        write(() -> {
            long start = partitionCounts.carriedCursor(stream, cursorPrefix, expected,
                    name -> jobs.cursor(name).orElse(0L));
            // cursors first: a crash in between leaves the old count with harmlessly lowered new-count cursors
            for (int i = 0; i < partitions; i++) {
                jobs.overwriteCursorLocked(PartitionCounts.cursorName(cursorPrefix, partitions, i), start);
            }
            persistCounts(partitionCounts.with(stream, partitions));
            partitionCounts.put(stream, partitions);
            return null;
        });
    }
}
