package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Coordination;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.Lease;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/** Fenced writes and stream settings of a {@link MemoryStore}: each check and write under the store's write lock. */
final class MemoryCoordination implements Coordination {
    private final MemoryStore store;
    private final MemoryJobStore jobs;
    private final Map<String, Integer> partitionCounts = new HashMap<>();

    MemoryCoordination(MemoryStore store, MemoryJobStore jobs) {
        this.store = store;
        this.jobs = jobs;
    }

    @Override
    public void saveCursor(String name, long position, Lease fence) {
        store.write(() -> {
            Coordination.requireCurrent(fence == null ? null : jobs.leaseLocked(fence.resource()), fence,
                    store.clock().instant(), "saving cursor '" + name + "'");
            jobs.saveCursor(name, position);
            return null;
        });
    }

    @Override
    public Job updateJob(Job updated, Lease fence) {
        return store.write(() -> {
            Coordination.requireCurrent(fence == null ? null : jobs.leaseLocked(fence.resource()), fence,
                    store.clock().instant(), "updating job " + (updated == null ? null : updated.jobId()));
            return jobs.update(updated);
        });
    }

    @Override
    public OptionalInt partitionCount(String stream) {
        return store.read(() -> {
            Integer n = partitionCounts.get(stream);
            return n == null ? OptionalInt.empty() : OptionalInt.of(n);
        });
    }

    @Override
    public int initPartitionCount(String stream, int partitions) {
        requireCount(stream, partitions);
        return store.write(() -> partitionCounts.computeIfAbsent(stream, s -> partitions));
    }

    @Override
    public void changePartitionCount(String stream, String cursorPrefix, int expected, int partitions) {
        requireCount(stream, partitions);
        store.write(() -> {
            Integer stored = partitionCounts.get(stream);
            if (stored == null || stored != expected) {
                throw new StaleWriteException("stream '" + stream + "' has " + (stored == null ? "no stored"
                        : stored) + " partition count, not " + expected + "; read it again");
            }
            long start = Long.MAX_VALUE;
            for (int i = 0; i < expected; i++) {
                start = Math.min(start, jobs.cursor(cursorPrefix + expected + "." + i).orElse(0L));
            }
            for (int i = 0; i < partitions; i++) {
                jobs.overwriteCursorLocked(cursorPrefix + partitions + "." + i, start);
            }
            partitionCounts.put(stream, partitions);
            return null;
        });
    }

    static void requireCount(String stream, int partitions) {
        if (stream == null || stream.isEmpty()) {
            throw new InvalidInputException("a stream needs a non-empty name");
        }
        if (partitions < 1 || partitions > 4096) {
            throw new InvalidInputException("a partition count is 1 to 4096, got " + partitions);
        }
    }
}
