package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Coordination;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.Lease;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Fenced writes (the lease check and the write under the store's write lock) and stream settings in
 * {@code state/streams.state}.
 */
final class FsCoordination implements Coordination {
    private final FileStore store;
    private final FsJobStore jobs;
    private final Map<String, Integer> partitionCounts = new LinkedHashMap<>();

    FsCoordination(FileStore store, FsJobStore jobs) {
        this.store = store;
        this.jobs = jobs;
    }

    private Path file() {
        return store.stateDir().resolve("streams.state");
    }

    void load() {
        JsonNode n = FileStore.readStateJson(file());
        if (n != null) {
            n.properties().forEach(e -> partitionCounts.put(e.getKey(), e.getValue().asInt()));
        }
    }

    private void persist(Map<String, Integer> next) {
        ObjectNode o = StateJson.F.objectNode();
        next.forEach(o::put);
        FsFiles.writeState(file(), StateJson.bytes(o));
    }

    @Override
    public void saveCursor(String name, long position, Lease fence) {
        store.write(() -> {
            Coordination.requireCurrent(fence == null ? null : jobs.leaseLocked(fence.resource()), fence,
                    store.now(), "saving cursor '" + name + "'");
            jobs.saveCursor(name, position);
            return null;
        });
    }

    @Override
    public Job updateJob(Job updated, Lease fence) {
        return store.write(() -> {
            Coordination.requireCurrent(fence == null ? null : jobs.leaseLocked(fence.resource()), fence,
                    store.now(), "updating job " + (updated == null ? null : updated.jobId()));
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
        return store.write(() -> {
            Integer stored = partitionCounts.get(stream);
            if (stored != null) {
                return stored;
            }
            Map<String, Integer> next = new LinkedHashMap<>(partitionCounts);
            next.put(stream, partitions);
            persist(next);
            partitionCounts.put(stream, partitions);
            return partitions;
        });
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
            // cursors first: a crash in between leaves the old count with harmlessly lowered new-count cursors
            for (int i = 0; i < partitions; i++) {
                jobs.overwriteCursorLocked(cursorPrefix + partitions + "." + i, start);
            }
            Map<String, Integer> next = new LinkedHashMap<>(partitionCounts);
            next.put(stream, partitions);
            persist(next);
            partitionCounts.put(stream, partitions);
            return null;
        });
    }

    private static void requireCount(String stream, int partitions) {
        if (stream == null || stream.isEmpty()) {
            throw new InvalidInputException("a stream needs a non-empty name");
        }
        if (partitions < 1 || partitions > 4096) {
            throw new InvalidInputException("a partition count is 1 to 4096, got " + partitions);
        }
    }
}
