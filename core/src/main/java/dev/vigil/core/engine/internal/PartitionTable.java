package dev.vigil.core.engine.internal;

import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Coordination;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.Store;
import dev.vigil.core.engine.Engine;
import dev.vigil.core.engine.EngineOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The membership protocol of the engines sharing a store: which partitions of the trace stream this engine holds,
 * and their durable cursors.
 *
 * <ul>
 *   <li>The partition count is stored with the stream by the first engine ({@link Coordination}); an engine
 *       configured with another count refuses to start, and {@link #changePartitionCount} changes it while no
 *       engine runs, carrying the cursors over.</li>
 *   <li>Each engine holds a member slot lease ({@code vigil.engine.member.<count>.<slot>}); counting the slots
 *       held gives the number of live engines, and each takes at most its fair share
 *       {@code ceil(partitions / members)} of partition leases ({@code vigil.engine.partition.<count>.<id>}),
 *       starting at an offset given by its slot. An engine over its share gives partitions up (committing their
 *       cursors first), so a newly started engine gets some.</li>
 *   <li>Leases are renewed every third of their time to live; a lease that cannot be renewed is lost and its
 *       partition dropped, with its runs in flight not committed (another engine reads them again).</li>
 *   <li>Cursor writes carry the partition lease's fencing token: an engine that lost its lease during a pause
 *       cannot move a cursor (the store refuses the stale token), and drops the partition.</li>
 * </ul>
 */
final class PartitionTable {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionTable.class);
    static final String CURSOR_PREFIX = "vigil.engine.cursor.";
    static final String PARTITION_LEASE_PREFIX = "vigil.engine.partition.";
    static final String MEMBER_LEASE_PREFIX = "vigil.engine.member.";

    private final Store store;
    private final EngineOptions options;
    private final LongSupplier ticker;
    private final Map<Integer, Partition> held = new ConcurrentHashMap<>();
    private Lease member;
    private long nextLeaseCheck;

    PartitionTable(Store store, EngineOptions options, LongSupplier ticker) {
        this.store = store;
        this.options = options;
        this.ticker = ticker;
    }

    /** @return the partitions held now, by id (live view) */
    Map<Integer, Partition> held() {
        return held;
    }

    /**
     * The partition count is stored with the stream by the first engine; an engine configured with another count
     * would read every partition's cursor from 0 (re-scoring history) or skip arrivals, so it refuses to start.
     *
     * @throws IllegalStateException if the stored count differs from the configured one
     */
    void checkPartitionCount() {
        int stored;
        try {
            stored = store.coordination().initPartitionCount(Engine.STREAM, options.partitions());
        } catch (UnsupportedOperationException e) {
            return; // a store without coordination: the count is not checked
        }
        if (stored != options.partitions()) {
            throw new IllegalStateException("the store " + store.describe() + " splits the trace stream into "
                    + stored + " partition(s), but this engine was configured with " + options.partitions()
                    + ". Start it with partitions=" + stored + ", or change the stored count (carrying the cursors "
                    + "over, no re-scoring) with `vigil engine repartition --partitions " + options.partitions()
                    + "` or Vigil.changePartitionCount(" + options.partitions() + ") while no engine runs");
        }
    }

    /** See {@link MonitoringEngine#changePartitionCount}. */
    static int changePartitionCount(Store store, int partitions, String owner) {
        var coordination = store.coordination();
        int old = coordination.initPartitionCount(Engine.STREAM, partitions);
        if (old == partitions) {
            return old;
        }
        List<Lease> taken = new ArrayList<>();
        try {
            for (int i = 0; i < old; i++) {
                Optional<Lease> l = store.jobs().tryAcquire(PARTITION_LEASE_PREFIX + old + "." + i, owner,
                        Duration.ofMinutes(1));
                if (l.isEmpty()) {
                    throw new IllegalStateException("partition " + i + " of " + old + " is held by a running engine; "
                            + "stop every engine before changing the partition count");
                }
                taken.add(l.get());
            }
            coordination.changePartitionCount(Engine.STREAM, CURSOR_PREFIX, old, partitions);
            return old;
        } finally {
            for (Lease l : taken) {
                store.jobs().release(l);
            }
        }
    }

    static String cursorName(int partitions, int partition) {
        return CURSOR_PREFIX + partitions + "." + partition;
    }

    static int partitionOf(String traceId, int partitions) {
        if (partitions == 1) {
            return 0;
        }
        // murmur3 over the UTF-8 bytes: stable across JVMs and releases, unlike String.hashCode's contract
        int h = com.google.common.hash.Hashing.murmur3_32_fixed().hashString(traceId, StandardCharsets.UTF_8)
                .asInt();
        return Math.floorMod(h, partitions);
    }

    /**
     * Renews the held leases (every third of their time to live, or now if forced), drops lost partitions, gives
     * up partitions beyond this engine's fair share and takes free ones up to it.
     *
     * @param force renew now whatever the time
     */
    void maintain(boolean force) {
        long now = ticker.getAsLong();
        if (!force && now - nextLeaseCheck < 0) {
            return;
        }
        nextLeaseCheck = now + options.leaseTtl().toNanos() / 3;
        var jobs = store.jobs();
        Duration ttl = options.leaseTtl();
        for (Partition p : List.copyOf(held.values())) {
            Optional<Lease> renewed = jobs.renew(p.lease, ttl);
            if (renewed.isPresent()) {
                p.lease = renewed.get();
            } else {
                LOG.info("engine {}: lost partition {}", options.engineId(), p.id);
                p.lost = true;
                held.remove(p.id);
            }
        }
        int partitions = options.partitions();
        int members = countMembers(partitions);
        int share = (partitions + members - 1) / Math.max(1, members);
        if (member == null) {
            share = 0;
        }
        // give up partitions beyond this engine's fair share, so a newly started engine gets some
        if (held.size() > share) {
            List<Integer> ids = new ArrayList<>(held.keySet());
            ids.sort(null);
            for (int i = ids.size() - 1; i >= 0 && held.size() > share; i--) {
                Partition p = held.remove(ids.get(i));
                p.lost = true;
                commit(p);
                jobs.release(p.lease);
            }
        }
        for (int k = 0; k < partitions && held.size() < share; k++) {
            int id = (k + (member == null ? 0 : memberSlot(member)) * share) % partitions;
            if (held.containsKey(id)) {
                continue;
            }
            Optional<Lease> lease = jobs.tryAcquire(PARTITION_LEASE_PREFIX + partitions + "." + id,
                    options.engineId(), ttl);
            if (lease.isPresent()) {
                long cursor = jobs.cursor(cursorName(partitions, id)).orElse(0L);
                held.put(id, new Partition(id, lease.get(), cursor));
                LOG.info("engine {}: took partition {} at cursor {}", options.engineId(), id, cursor);
            }
        }
    }

    private static int memberSlot(Lease lease) {
        String r = lease.resource();
        return Integer.parseInt(r.substring(r.lastIndexOf('.') + 1));
    }

    /** Holds a member slot lease and counts the engines holding the others. */
    private int countMembers(int partitions) {
        var jobs = store.jobs();
        Duration ttl = options.leaseTtl();
        int slots = partitions;
        if (member != null) {
            member = jobs.renew(member, ttl).orElse(null);
        }
        if (member == null) {
            for (int k = 0; k < slots && member == null; k++) {
                member = jobs.tryAcquire(MEMBER_LEASE_PREFIX + partitions + "." + k, options.engineId(), ttl)
                        .orElse(null);
            }
        }
        if (slots == 1) {
            return 1;
        }
        int live = member == null ? 0 : 1;
        for (int k = 0; k < slots; k++) {
            if (member != null && memberSlot(member) == k) {
                continue;
            }
            Optional<Lease> probe = jobs.tryAcquire(MEMBER_LEASE_PREFIX + partitions + "." + k,
                    options.engineId() + "#probe", ttl);
            if (probe.isPresent()) {
                jobs.release(probe.get());
            } else {
                live++;
            }
        }
        return Math.max(1, live);
    }


    /** Commits every held partition's cursor as far as it may go. */
    void commitAll() {
        for (Partition p : held.values()) {
            commit(p);
        }
    }

    /** Moves a partition's durable cursor to its committable position; drops the partition if fenced out. */
    void commit(Partition p) {
        long pos;
        synchronized (p) {
            pos = p.committable();
            if (pos <= p.committed) {
                return;
            }
        }
        try {
            saveCursor(cursorName(options.partitions(), p.id), pos, p.lease);
        } catch (StaleWriteException e) {
            // fenced: another engine took the partition while this one was paused; it continues from its cursor
            LOG.warn("engine {}: lost partition {} (cursor write refused: {})", options.engineId(), p.id,
                    e.getMessage());
            p.lost = true;
            held.remove(p.id, p);
            return;
        }
        synchronized (p) {
            p.committed = Math.max(p.committed, pos);
        }
    }

    /** Saves a cursor fenced by the partition's lease (unfenced on a store without coordination). */
    private void saveCursor(String name, long pos, Lease lease) {
        Coordination coordination;
        try {
            coordination = store.coordination();
        } catch (UnsupportedOperationException e) {
            store.jobs().saveCursor(name, pos);
            return;
        }
        coordination.saveCursor(name, pos, lease);
    }

    /** Commits the cursors and gives every lease up (closing). */
    void releaseAll() {
        commitAll();
        for (Partition p : held.values()) {
            store.jobs().release(p.lease);
        }
        if (member != null) {
            store.jobs().release(member);
        }
        held.clear();
    }

    /** @return the committed cursor of each held partition */
    Map<Integer, Long> committedCursors() {
        Map<Integer, Long> out = new TreeMap<>();
        for (Partition p : held.values()) {
            synchronized (p) {
                out.put(p.id, p.committed);
            }
        }
        return out;
    }

    /** @return the lowest position read over the held partitions, or {@code Long.MAX_VALUE} if none is held */
    long lowestReadPosition() {
        long from = Long.MAX_VALUE;
        for (Partition p : held.values()) {
            synchronized (p) {
                from = Math.min(from, p.readUpTo);
            }
        }
        return from;
    }
}
