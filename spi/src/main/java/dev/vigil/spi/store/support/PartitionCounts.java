package dev.vigil.spi.store.support;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.ToLongFunction;

/**
 * The partition count stored with each stream ({@link dev.vigil.spi.store.Coordination}), held in memory by a store
 * that keeps it beside its other state (the memory store; the file store, which also persists it), with the rules
 * every backend applies: the count's range, and the change that carries the cursors over. Not thread-safe: call
 * under the store's lock.
 */
public final class PartitionCounts {

    /** The highest partition count a stream may have. */
    public static final int MAX = 4096;

    private final Map<String, Integer> counts = new LinkedHashMap<>();

    /**
     * @param stream a stream name
     * @param partitions a partition count
     * @throws InvalidInputException if the name is empty or the count is not 1 to {@value #MAX}
     */
    public static void requireCount(String stream, int partitions) {
        if (stream == null || stream.isEmpty()) {
            throw new InvalidInputException("a stream needs a non-empty name");
        }
        if (partitions < 1 || partitions > MAX) {
            throw new InvalidInputException("a partition count is 1 to " + MAX + ", got " + partitions);
        }
    }

    /**
     * @param stream a stream name
     * @return its stored count, if any
     */
    public OptionalInt get(String stream) {
        Integer n = counts.get(stream);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /**
     * Stores a count (after the caller made it durable, if it persists them).
     *
     * @param stream a stream name
     * @param partitions its count
     */
    public void put(String stream, int partitions) {
        counts.put(stream, partitions);
    }

    /**
     * @param stream a stream name
     * @param partitions its next count
     * @return every stored count, with this one set: what a persisting store writes before {@link #put}
     */
    public Map<String, Integer> with(String stream, int partitions) {
        Map<String, Integer> next = new LinkedHashMap<>(counts);
        next.put(stream, partitions);
        return next;
    }

    /**
     * The first step of a count change: checks that the stored count is still the expected one and returns the
     * position every cursor of the new count starts at, the lowest cursor of the old count (arrivals between it
     * and a partition's own old cursor are read again and found scored: nothing is lost, nothing re-scored).
     *
     * @param stream the stream
     * @param cursorPrefix the prefix of its cursors' names ({@code <prefix><count>.<partition>})
     * @param expected the count the caller read
     * @param cursor a cursor's position by name (0 when missing)
     * @return the start position for the new count's cursors
     * @throws StaleWriteException if the stored count is not {@code expected}
     */
    public long carriedCursor(String stream, String cursorPrefix, int expected, ToLongFunction<String> cursor) {
        Integer stored = counts.get(stream);
        if (stored == null || stored != expected) {
            throw new StaleWriteException("stream '" + stream + "' has " + (stored == null ? "no stored"
                    : stored) + " partition count, not " + expected + "; read it again");
        }
        long start = Long.MAX_VALUE;
        for (int i = 0; i < expected; i++) {
            start = Math.min(start, cursor.applyAsLong(cursorName(cursorPrefix, expected, i)));
        }
        return start;
    }

    /**
     * @param cursorPrefix the prefix of a stream's cursors' names
     * @param partitions a partition count
     * @param partition a partition
     * @return the name of that partition's cursor
     */
    public static String cursorName(String cursorPrefix, int partitions, int partition) {
        return cursorPrefix + partitions + "." + partition;
    }
}
