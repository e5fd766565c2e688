package dev.vigil.core.engine.internal;

import dev.vigil.spi.store.Lease;
import java.util.TreeMap;

/**
 * One partition of the trace stream an engine holds: its lease, how far it was read, how far its durable cursor
 * was committed, and the arrivals with scorer runs still in flight (the cursor never moves past one of those).
 * Guarded by its own monitor.
 */
final class Partition {
    final int id;
    Lease lease;
    long readUpTo;
    long committed;
    final TreeMap<Long, int[]> pending = new TreeMap<>();
    volatile boolean lost;

    Partition(int id, Lease lease, long cursor) {
        this.id = id;
        this.lease = lease;
        this.readUpTo = cursor;
        this.committed = cursor;
    }

    /** Counts {@code count} runs in flight for the arrival {@code seq}. */
    synchronized void add(long seq, int count) {
        pending.computeIfAbsent(seq, s -> new int[1])[0] += count;
    }

    /** One run of the arrival {@code seq} was stored. */
    synchronized void complete(long seq) {
        int[] c = pending.get(seq);
        if (c != null && --c[0] <= 0) {
            pending.remove(seq);
        }
    }

    /** @return the highest position the cursor may move to: before the first arrival still in flight */
    synchronized long committable() {
        return pending.isEmpty() ? readUpTo : pending.firstKey() - 1;
    }

    /** @return scorer runs in flight */
    synchronized int inFlight() {
        int n = 0;
        for (int[] c : pending.values()) {
            n += c[0];
        }
        return n;
    }

    /** @return true when nothing is in flight and the cursor is committed up to what was read */
    synchronized boolean settled() {
        return pending.isEmpty() && committed >= readUpTo;
    }
}
