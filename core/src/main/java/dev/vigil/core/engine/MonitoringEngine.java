package dev.vigil.core.engine;

import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.RetryQueue;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TailEntry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitoring engine: tails the store's trace arrivals from a durable cursor and, for each complete trace and
 * each active scorer of its experiment, filters, samples, runs the scorer and upserts its feedback.
 *
 * <h2>Exactly once</h2>
 * The stream is split into partitions by trace id; an engine works on the partitions whose lease it holds, each
 * with its own durable cursor. A partition's cursor only moves past an arrival once every scorer run for it has
 * been stored, so a crash re-reads at most the arrivals in flight. Re-read pairs that were already stored are
 * skipped ({@code tracesScoredBy}), and a pair scored twice in a race (a lease handover) is still stored once,
 * since feedback is upserted by (trace, name, scorer, version).
 *
 * <h2>Execution</h2>
 * CPU-bound scorers run in chunks on a bounded pool; I/O-bound scorers run one per virtual thread behind their
 * provider's gate (see {@link ScorerRunner}). At most {@code maxInFlight} runs are admitted: past that the reader
 * waits, the cursor lags, and nothing is dropped.
 */
public final class MonitoringEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringEngine.class);
    private static final int CPU_CHUNK = 64;
    private static final String CURSOR_PREFIX = "vigil.engine.cursor.";
    private static final String PARTITION_LEASE_PREFIX = "vigil.engine.partition.";
    private static final String MEMBER_LEASE_PREFIX = "vigil.engine.member.";
    /** The stream name under which the partition count is stored ({@link dev.vigil.spi.store.Coordination}). */
    public static final String STREAM = "traces";

    private final Store store;
    private final ActiveScorerSource source;
    private final SamplingDecision sampling;
    private final EngineOptions options;
    private final ScorerRunner runner;
    private final EngineMetrics metrics;
    private final Clock clock;
    private final LongSupplier ticker;

    private final ExecutorService cpuPool;
    private final ExecutorService ioPool;
    private final Semaphore inFlight;
    private final AtomicInteger running = new AtomicInteger();
    private final Map<Integer, Partition> held = new ConcurrentHashMap<>();
    private final Map<String, Snapshot> scorers = new ConcurrentHashMap<>();
    private final Map<ScorerKey, ScorerStatus> statuses = new ConcurrentHashMap<>();
    private final Map<ScorerKey, AtomicInteger> authFailures = new ConcurrentHashMap<>();
    private final RunTracker tracker = new RunTracker();
    private final Deferrals deferrals;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean signalled;
    private volatile boolean stopping;
    private volatile Thread loop;
    private volatile long maxSequenceSeen;
    private Lease member;
    private long nextLeaseCheck;

    private record Snapshot(List<ActiveScorer> scorers, Set<ScorerKey> activeKeys, long loadedAt) {
        static Snapshot of(List<ActiveScorer> scorers, long loadedAt) {
            Set<ScorerKey> keys = new java.util.HashSet<>();
            for (ActiveScorer a : scorers) {
                if (a.sampling().isActive()) {
                    keys.add(a.key());
                }
            }
            return new Snapshot(scorers, Set.copyOf(keys), loadedAt);
        }
    }

    /** One partition of the stream this engine holds. Guarded by its own monitor. */
    private static final class Partition {
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

        synchronized void add(long seq, int count) {
            pending.computeIfAbsent(seq, s -> new int[1])[0] += count;
        }

        synchronized void complete(long seq) {
            int[] c = pending.get(seq);
            if (c != null && --c[0] <= 0) {
                pending.remove(seq);
            }
        }

        synchronized long committable() {
            return pending.isEmpty() ? readUpTo : pending.firstKey() - 1;
        }

        synchronized int inFlight() {
            int n = 0;
            for (int[] c : pending.values()) {
                n += c[0];
            }
            return n;
        }
    }

    /**
     * @param store the store to tail and write to
     * @param source the active scorers per experiment
     * @param sampling the sampling decision
     * @param options how to run
     * @param runner runs scorers with retries, timeouts and provider limits
     * @param metrics where to report
     * @param clock the clock (settle delay, assessment times)
     * @param ticker nanosecond ticker for lease renewal and scorer refresh timing
     */
    public MonitoringEngine(Store store, ActiveScorerSource source, SamplingDecision sampling, EngineOptions options,
            ScorerRunner runner, EngineMetrics metrics, Clock clock, LongSupplier ticker) {
        this.store = store;
        this.source = source;
        this.sampling = sampling;
        this.options = options;
        this.runner = runner;
        this.metrics = metrics;
        this.clock = clock;
        this.ticker = ticker;
        this.inFlight = new Semaphore(options.maxInFlight());
        this.deferrals = new Deferrals(options.retryFirstDelay(), options.retryMaxDelay());
        AtomicInteger n = new AtomicInteger();
        this.cpuPool = Executors.newFixedThreadPool(options.cpuThreads(), r -> {
            Thread t = new Thread(r, "vigil-cpu-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.ioPool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vigil-io-", 0).factory());
        metrics.bindGauges(this::queueDepth, this::cursorLag);
    }

    /** Starts tailing in the background; idempotent. */
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        if (stopping) {
            throw new IllegalStateException("the engine was closed; build a new one");
        }
        checkPartitionCount();
        loop = Thread.ofPlatform().name("vigil-engine-" + options.engineId()).daemon().start(this::run);
    }

    /**
     * The partition count is stored with the stream by the first engine; an engine configured with another count
     * would read every partition's cursor from 0 (re-scoring history) or skip arrivals, so it refuses to start.
     */
    private void checkPartitionCount() {
        int stored;
        try {
            stored = store.coordination().initPartitionCount(STREAM, options.partitions());
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

    /**
     * Changes the stored partition count of a store's trace stream, carrying the cursors over: every new
     * partition starts at the lowest old cursor, so nothing is skipped, and arrivals read again are not scored
     * again (their pairs are stored already). Refused while any engine holds a partition.
     *
     * @param store the store
     * @param partitions the new count, 1 or more
     * @param owner an id for the leases taken while changing it
     * @return the previous count (the new one when none was stored)
     * @throws IllegalStateException if an engine holds a partition now
     */
    public static int changePartitionCount(Store store, int partitions, String owner) {
        var coordination = store.coordination();
        int old = coordination.initPartitionCount(STREAM, partitions);
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
            coordination.changePartitionCount(STREAM, CURSOR_PREFIX, old, partitions);
            return old;
        } finally {
            for (Lease l : taken) {
                store.jobs().release(l);
            }
        }
    }

    /** @return what this engine saw of each scorer version's runs since it started */
    public Map<ScorerKey, RunStats> runStats() {
        return tracker.snapshot();
    }

    /**
     * Whether the engine has caught up: every arrival in the store is read and every run admitted is stored (or
     * deferred to the retry queue). Pairs waiting in the retry queue do not count.
     *
     * @return true if idle now
     */
    public boolean isIdle() {
        if (!isRunning() || running.get() > 0) {
            return false;
        }
        if (held.isEmpty()) {
            return false;
        }
        long from = Long.MAX_VALUE;
        for (Partition p : held.values()) {
            synchronized (p) {
                if (!p.pending.isEmpty() || p.committed < p.readUpTo) {
                    return false;
                }
                from = Math.min(from, p.readUpTo);
            }
        }
        return store.traces().tail(from, 1).isEmpty();
    }

    /** @return true once started and not closed */
    public boolean isRunning() {
        return loop != null && !stopping;
    }

    /** Tells the engine new traces were stored (skips the poll wait). */
    public void wakeUp() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Re-reads an experiment's active scorers now: a scorer stopped or deleted gets no new work from this call
     * on.
     *
     * @param experimentId the experiment whose scorers changed
     */
    public void refreshScorers(String experimentId) {
        scorers.put(experimentId, load(experimentId));
    }

    /** @return each scorer version's run status (PAUSED ones with their reason) */
    public Map<ScorerKey, ScorerStatus> statuses() {
        return Map.copyOf(statuses);
    }

    /**
     * Resumes a paused scorer version (after its credentials were fixed).
     *
     * @param key the scorer version
     * @return true if it was paused
     */
    public boolean resume(ScorerKey key) {
        authFailures.remove(key);
        ScorerStatus s = statuses.remove(key);
        boolean wasPaused = s != null && s.state() == ScorerStatus.State.PAUSED;
        if (wasPaused) {
            try {
                int due = store.retries().makeDue(key.experimentId(), key.name(), key.version(), clock.instant());
                LOG.info("scorer {} resumed; {} pending pair(s) are due now", key, due);
            } catch (UnsupportedOperationException e) {
                // a store without a retry queue: nothing was deferred
            }
            wakeUp();
        }
        return wasPaused;
    }

    /** @return scorer runs admitted and not yet finished */
    public long queueDepth() {
        return running.get();
    }

    /** @return how far the durable cursors are behind the newest arrival read (in arrival sequence numbers) */
    public long cursorLag() {
        long lag = 0;
        for (Partition p : held.values()) {
            long c;
            synchronized (p) {
                c = p.committed;
            }
            lag = Math.max(lag, maxSequenceSeen - c);
        }
        return lag;
    }

    /** @return the partitions this engine holds now */
    public Set<Integer> heldPartitions() {
        return Set.copyOf(held.keySet());
    }

    /**
     * @param partitions the partition count
     * @param partition a partition
     * @return the name of its durable cursor
     */
    public static String cursorName(int partitions, int partition) {
        return CURSOR_PREFIX + partitions + "." + partition;
    }

    /**
     * @param traceId a trace id
     * @param partitions the partition count
     * @return its partition
     */
    public static int partitionOf(String traceId, int partitions) {
        if (partitions == 1) {
            return 0;
        }
        // murmur3 over the UTF-8 bytes: stable across JVMs and releases, unlike String.hashCode's contract
        int h = com.google.common.hash.Hashing.murmur3_32_fixed().hashString(traceId, StandardCharsets.UTF_8)
                .asInt();
        return Math.floorMod(h, partitions);
    }

    private void run() {
        while (!stopping) {
            try {
                maintainLeases(false);
                boolean progressed = readOnce();
                commitCursors();
                progressed |= drainRetries();
                metrics.loopSucceeded();
                if (!progressed) {
                    await(options.pollInterval());
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                if (stopping) {
                    break;
                }
                metrics.loopFailed(t);
                LOG.warn("engine {}: tail loop failed, retrying in {}: {}", options.engineId(),
                        options.pollInterval(), t.toString(), t);
                await(options.pollInterval());
            }
        }
    }

    private void await(Duration d) {
        lock.lock();
        try {
            if (!signalled && !stopping) {
                wake.awaitNanos(d.toNanos());
            }
            signalled = false;
        } catch (InterruptedException e) {
            // closing
        } finally {
            lock.unlock();
        }
    }

    private void maintainLeases(boolean force) {
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

    private List<ActiveScorer> active(String experimentId) {
        Snapshot s = scorers.get(experimentId);
        if (s == null || ticker.getAsLong() - s.loadedAt() > options.scorerRefresh().toNanos()) {
            s = load(experimentId);
            scorers.put(experimentId, s);
        }
        return s.scorers();
    }

    private Snapshot load(String experimentId) {
        List<ActiveScorer> list;
        try {
            list = List.copyOf(source.active(experimentId));
        } catch (RuntimeException e) {
            LOG.warn("engine {}: cannot read the scorers of experiment {}: {}", options.engineId(), experimentId,
                    e.toString());
            Snapshot old = scorers.get(experimentId);
            list = old == null ? List.of() : old.scorers();
        }
        return Snapshot.of(list, ticker.getAsLong());
    }

    private boolean isActive(ActiveScorer s) {
        if (isPaused(s.key())) {
            return false;
        }
        return inSnapshot(s);
    }

    private boolean isPaused(ScorerKey key) {
        return !statuses.isEmpty() && statuses.get(key) instanceof ScorerStatus st
                && st.state() == ScorerStatus.State.PAUSED;
    }

    private boolean inSnapshot(ActiveScorer s) {
        Snapshot snap = scorers.get(s.experimentId());
        return snap != null && snap.activeKeys().contains(s.key());
    }

    /** One pair to score. */
    private record Work(long seq, Partition partition, Trace trace, ScorerInput input, ActiveScorer scorer,
            PendingRetry retry) {}

    private boolean readOnce() {
        if (held.isEmpty()) {
            return false;
        }
        long from = Long.MAX_VALUE;
        for (Partition p : held.values()) {
            synchronized (p) {
                from = Math.min(from, p.readUpTo);
            }
        }
        List<TailEntry> entries = store.traces().tail(from, options.batchSize());
        if (entries.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        long considered = from;
        List<Work> work = new ArrayList<>();
        List<PendingRetry> deferNow = new ArrayList<>();
        int partitions = options.partitions();
        for (TailEntry e : entries) {
            maxSequenceSeen = Math.max(maxSequenceSeen, e.sequence());
            Trace t = e.trace();
            Partition p = held.get(partitionOf(t.traceId(), partitions));
            boolean mine;
            if (p == null) {
                mine = false;
            } else {
                synchronized (p) {
                    mine = e.sequence() > p.readUpTo;
                }
            }
            if (mine && t.info().state().isComplete()) {
                if (!options.settleDelay().isZero()) {
                    Instant end = t.info().requestTime().plusMillis(
                            t.info().executionDurationMs() == null ? 0 : t.info().executionDurationMs());
                    if (end.plus(options.settleDelay()).isAfter(now)) {
                        break; // not settled yet: stop here, the cursor waits for it
                    }
                }
                metrics.traceSeen(t.experimentId());
                ScorerInput input = null;
                for (ActiveScorer s : active(t.experimentId())) {
                    if (!s.sampling().isActive() || !inSnapshot(s)) {
                        continue;
                    }
                    boolean match;
                    try {
                        match = s.filter().test(t);
                    } catch (RuntimeException ex) {
                        LOG.warn("filter of scorer {} failed on trace {}: {}", s.key(), t.traceId(), ex.toString());
                        match = false;
                    }
                    if (match && sampling.keep(t.traceId(), s.name(), s.sampling().sampleRate())) {
                        if (isPaused(s.key())) {
                            ScorerStatus st = statuses.get(s.key());
                            deferNow.add(deferrals.whilePaused(s, t.traceId(), st == null ? null : st.reason(), now));
                            continue;
                        }
                        if (s.scorer() instanceof Unavailable u) {
                            deferNow.add(deferrals.unavailableHere(null, s, t.traceId(), u.unavailableReason(), now));
                            continue;
                        }
                        if (input == null) {
                            input = ScorerInput.of(t);
                        }
                        work.add(new Work(e.sequence(), p, t, input, s, null));
                    }
                }
            }
            considered = e.sequence();
        }
        if (!deferNow.isEmpty() && !durably("defer " + deferNow.size() + " pair(s) of paused or unavailable "
                + "scorers", () -> store.retries().defer(deferNow))) {
            return false; // closing: nothing read is committed, the arrivals are read again after a restart
        }
        work = withoutScored(work);
        for (Work w : work) {
            w.partition().add(w.seq(), 1);
            metrics.sampled(w.scorer().experimentId(), w.scorer().name());
        }
        for (Partition p : held.values()) {
            synchronized (p) {
                if (considered > p.readUpTo) {
                    p.readUpTo = considered;
                }
            }
        }
        dispatch(work);
        return considered > from;
    }

    /** Drops pairs already stored for the same scorer version (a restart re-reading, a backfill before us). */
    private List<Work> withoutScored(List<Work> work) {
        if (work.isEmpty()) {
            return work;
        }
        Map<ScorerKey, List<String>> byScorer = new HashMap<>();
        for (Work w : work) {
            byScorer.computeIfAbsent(w.scorer().key(), k -> new ArrayList<>()).add(w.trace().traceId());
        }
        Map<ScorerKey, Set<String>> scored = new HashMap<>();
        for (var entry : byScorer.entrySet()) {
            Set<String> done = store.assessments().tracesScoredBy(entry.getKey().name(), entry.getKey().version(),
                    entry.getValue());
            if (!done.isEmpty()) {
                scored.put(entry.getKey(), done);
            }
        }
        if (scored.isEmpty()) {
            return work;
        }
        List<Work> out = new ArrayList<>(work.size());
        for (Work w : work) {
            Set<String> done = scored.get(w.scorer().key());
            if (done == null || !done.contains(w.trace().traceId())) {
                out.add(w);
            }
        }
        return out;
    }

    private void dispatch(List<Work> work) {
        // a chunk never asks for more permits than exist (it would wait forever)
        int chunkSize = Math.min(CPU_CHUNK, options.maxInFlight());
        List<Work> chunk = new ArrayList<>(chunkSize);
        for (Work w : work) {
            if (workload(w.scorer().scorer()) == Scorer.Workload.IO) {
                admit(1);
                ioPool.execute(() -> runAll(List.of(w)));
            } else {
                chunk.add(w);
                if (chunk.size() == chunkSize) {
                    submitChunk(chunk);
                    chunk = new ArrayList<>(chunkSize);
                }
            }
        }
        if (!chunk.isEmpty()) {
            submitChunk(chunk);
        }
    }

    private void submitChunk(List<Work> chunk) {
        admit(chunk.size());
        cpuPool.execute(() -> runAll(chunk));
    }

    /** Backpressure: blocks the reader until the work can be admitted. */
    private void admit(int n) {
        inFlight.acquireUninterruptibly(n);
        running.addAndGet(n);
    }

    private static Scorer.Workload workload(Scorer s) {
        try {
            return s.workload() == null ? Scorer.Workload.CPU : s.workload();
        } catch (RuntimeException e) {
            return Scorer.Workload.CPU;
        }
    }

    private void runAll(List<Work> works) {
        List<Assessment> out = new ArrayList<>(works.size());
        // parallel lists, not a map keyed by Work: a record's hashCode would hash the whole trace
        List<Work> ran = new ArrayList<>(works.size());
        List<Outcome> outcomes = new ArrayList<>(works.size());
        List<PendingRetry> defer = new ArrayList<>();
        boolean stored = false;
        try {
            for (Work w : works) {
                ActiveScorer s = w.scorer();
                if (!isActive(s)) {
                    if (inSnapshot(s) && isPaused(s.key())) {
                        // paused since it was read: the pair waits for the resume
                        ScorerStatus st = statuses.get(s.key());
                        defer.add(deferrals.afterFailure(w.retry(), s, w.trace().traceId(), FailureKind.AUTH,
                                st == null ? "scorer paused" : st.reason(), true, clock.instant()));
                    }
                    continue; // stopped or deleted since it was read: no new work for it
                }
                Outcome o = runner.run(s.scorer(), s.name(), w.input(), options.scorerTimeout());
                if (stopping && Thread.currentThread().isInterrupted()) {
                    return; // closing past the drain timeout: not recorded, scored again after a restart
                }
                trackAuth(s, o);
                // re-check: a scorer stopped or deleted while it ran writes nothing (one paused by this very
                // failure defers the pair)
                if (!isActive(s) && !isPausedOnly(s)) {
                    continue;
                }
                Instant now = clock.instant();
                if (o.transientFailure() || o.authFailure()) {
                    // deferred, not failed: the pair waits in the retry queue, no error assessment
                    defer.add(deferrals.afterFailure(w.retry(), s, w.trace().traceId(), o.kind(),
                            o.failure().message(), isPaused(s.key()), now));
                    ran.add(w);
                    outcomes.add(o);
                    continue;
                }
                for (Feedback f : o.feedback()) {
                    out.add(FeedbackAssessment.of(f, s.scorer(), s.name(), s.version(), w.trace().traceId(),
                            o.durationNanos(), s.sampling().sampleRate(), now));
                }
                ran.add(w);
                outcomes.add(o);
            }
            if (write(out) && (defer.isEmpty() || durably("defer " + defer.size() + " pair(s) to the retry queue",
                    () -> store.retries().defer(defer)))) {
                stored = true;
                Instant now = clock.instant();
                for (int i = 0; i < outcomes.size(); i++) {
                    Work w = ran.get(i);
                    record(w, outcomes.get(i), now);
                }
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            LOG.error("engine {}: unexpected failure scoring a chunk; it will be retried after a restart",
                    options.engineId(), t);
        } finally {
            if (stored) {
                for (Work w : works) {
                    if (w.partition() != null) {
                        w.partition().complete(w.seq());
                    }
                }
            }
            running.addAndGet(-works.size());
            inFlight.release(works.size());
            if (stored) {
                wakeUpIfIdle();
            }
        }
    }

    /** Counters, health and the retry queue after a run's result was stored. */
    private void record(Work w, Outcome o, Instant now) {
        ActiveScorer s = w.scorer();
        String name = s.name();
        boolean deferred = o.transientFailure() || o.authFailure();
        if (w.retry() != null && !deferred) {
            try {
                store.retries().remove(w.trace().traceId(), name, s.version());
            } catch (RuntimeException e) {
                // it comes due again later and is then found scored and dropped
                LOG.warn("engine {}: cannot remove a retried pair from the retry queue: {}", options.engineId(),
                        e.toString());
            }
        }
        // a scorer that raised or returned garbage ends as error feedback (not as a failed run): it is a failure
        // all the same for the counters
        AssessmentError error = o.failed() ? o.failure() : o.feedback().stream()
                .filter(Feedback::isError).map(Feedback::error).findFirst().orElse(null);
        if (error != null) {
            metrics.failed(s.experimentId(), name, error.code());
            tracker.failure(s.key(), now, o.kind(), error.code(), error.message(), deferred);
        } else {
            metrics.scored(s.experimentId(), name, o.durationNanos());
            Instant completed = w.trace().info().requestTime().plusMillis(
                    w.trace().info().executionDurationMs() == null ? 0 : w.trace().info().executionDurationMs());
            tracker.success(s.key(), now, Duration.between(completed, now));
        }
        for (Feedback f : o.feedback()) {
            if (!f.metadata().isEmpty()) {
                JudgeUsage.report(f.metadata(), name, metrics);
            }
        }
    }

    /**
     * Takes due pairs from the store's retry queue (once per loop turn) and runs them like new work,
     * outside any partition's cursor. A pair whose scorer is gone (stopped, deleted, replaced by a newer version)
     * or whose trace is gone leaves the queue; one whose scorer is paused waits again; one this process cannot
     * build is put back due at once for a process that can.
     *
     * @return true if any pair was taken
     */
    private boolean drainRetries() {
        if (held.isEmpty()) {
            return false; // only an engine that holds partitions (a member) takes retries
        }
        RetryQueue queue;
        try {
            queue = store.retries();
        } catch (UnsupportedOperationException e) {
            return false;
        }
        Instant now = clock.instant();
        Duration holdFor = options.scorerTimeout().multipliedBy(4).plus(options.drainTimeout());
        List<PendingRetry> due = queue.claim(now, Math.min(options.batchSize(), 256), holdFor);
        if (due.isEmpty()) {
            return false;
        }
        List<Work> work = new ArrayList<>();
        List<PendingRetry> back = new ArrayList<>();
        for (PendingRetry p : due) {
            ActiveScorer s = find(p);
            if (s == null) {
                queue.remove(p.traceId(), p.scorerName(), p.scorerVersion());
                continue;
            }
            if (isPaused(s.key())) {
                back.add(p.dueAt(now.plus(options.retryMaxDelay())));
                continue;
            }
            if (s.scorer() instanceof Unavailable u) {
                back.add(deferrals.unavailableHere(p, s, p.traceId(), u.unavailableReason(), now));
                continue;
            }
            Optional<Trace> t = store.traces().get(p.traceId());
            if (t.isEmpty()) {
                queue.remove(p.traceId(), p.scorerName(), p.scorerVersion());
                continue;
            }
            work.add(new Work(-1, null, t.get(), ScorerInput.of(t.get()), s, p));
        }
        if (!back.isEmpty()) {
            queue.defer(back);
        }
        List<Work> todo = withoutScored(work);
        if (todo.size() < work.size()) {
            Set<Work> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            kept.addAll(todo);
            for (Work w : work) {
                if (!kept.contains(w)) {
                    queue.remove(w.trace().traceId(), w.scorer().name(), w.scorer().version());
                }
            }
        }
        dispatch(todo);
        return true;
    }

    private ActiveScorer find(PendingRetry p) {
        for (ActiveScorer s : active(p.experimentId())) {
            if (s.name().equals(p.scorerName()) && s.version() == p.scorerVersion() && s.sampling().isActive()) {
                return s;
            }
        }
        return null;
    }

    /**
     * Runs a store write, retrying store failures with back-off until it succeeds or the engine closes.
     *
     * @return true if done, false if given up (closing)
     */
    private boolean durably(String what, Runnable write) {
        long backoffMs = 50;
        while (true) {
            try {
                write.run();
                return true;
            } catch (RuntimeException e) {
                if (stopping && closeDeadlinePassed()) {
                    return false;
                }
                LOG.warn("engine {}: {} failed, retrying in {} ms: {}", options.engineId(), what, backoffMs,
                        e.toString());
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                backoffMs = Math.min(5_000, backoffMs * 2);
            }
        }
    }

    private void wakeUpIfIdle() {
        if (running.get() == 0) {
            wakeUp();
        }
    }

    private boolean isPausedOnly(ActiveScorer s) {
        // a scorer paused by its own last failure still records that failure
        return statuses.get(s.key()) instanceof ScorerStatus st && st.state() == ScorerStatus.State.PAUSED;
    }

    private void trackAuth(ActiveScorer s, Outcome o) {
        if (o.authFailure()) {
            int n = authFailures.computeIfAbsent(s.key(), k -> new AtomicInteger()).incrementAndGet();
            if (n >= options.authFailuresBeforePause()) {
                ScorerStatus paused = new ScorerStatus(s.key(), ScorerStatus.State.PAUSED,
                        "paused after " + n + " consecutive authentication failures; last: "
                                + o.failure().message() + " — fix the credentials, then resume the scorer",
                        clock.instant());
                if (statuses.putIfAbsent(s.key(), paused) == null) {
                    LOG.warn("scorer {} paused: {}", s.key(), paused.reason());
                }
            }
        } else if (!o.failed()) {
            AtomicInteger n = authFailures.get(s.key());
            if (n != null) {
                n.set(0);
            }
        }
    }

    /**
     * Stores feedback, retrying store failures until it succeeds or the engine closes.
     *
     * @return true if stored (or nothing to store), false if given up (the cursor then stays before it)
     */
    private boolean write(List<Assessment> batch) {
        if (batch.isEmpty()) {
            return true;
        }
        long backoffMs = 50;
        while (true) {
            try {
                store.assessments().upsertScorerFeedback(batch);
                return true;
            } catch (InvalidInputException e) {
                if (batch.size() > 1) {
                    boolean all = true;
                    for (Assessment a : batch) {
                        all &= write(List.of(a));
                    }
                    return all;
                }
                // the trace was deleted (or the feedback is unstorable): nothing to retry
                LOG.warn("engine {}: feedback of scorer '{}' on trace {} cannot be stored: {}", options.engineId(),
                        batch.get(0).scorerName(), batch.get(0).traceId(), e.getMessage());
                return true;
            } catch (RuntimeException e) {
                if (stopping && closeDeadlinePassed()) {
                    return false;
                }
                LOG.warn("engine {}: storing feedback failed, retrying in {} ms: {}", options.engineId(), backoffMs,
                        e.toString());
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                backoffMs = Math.min(5_000, backoffMs * 2);
            }
        }
    }

    private volatile long closeDeadline = Long.MAX_VALUE;

    private boolean closeDeadlinePassed() {
        return System.nanoTime() - closeDeadline > 0;
    }

    private void commitCursors() {
        for (Partition p : held.values()) {
            commit(p);
        }
    }

    private void commit(Partition p) {
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
        dev.vigil.spi.store.Coordination coordination;
        try {
            coordination = store.coordination();
        } catch (UnsupportedOperationException e) {
            store.jobs().saveCursor(name, pos);
            return;
        }
        coordination.saveCursor(name, pos, lease);
    }

    /**
     * @return the committed cursor of each held partition
     */
    public Map<Integer, Long> committedCursors() {
        Map<Integer, Long> out = new TreeMap<>();
        for (Partition p : held.values()) {
            synchronized (p) {
                out.put(p.id, p.committed);
            }
        }
        return out;
    }

    /**
     * Stops reading, waits up to the drain timeout for scorer runs in flight, saves the cursors and gives up the
     * leases. Runs not finished by then are scored again after a restart (their cursor was not moved past them).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        closeDeadline = System.nanoTime() + options.drainTimeout().toNanos();
        wakeUp();
        Thread t = loop;
        if (t != null) {
            try {
                t.join(options.drainTimeout().toMillis() + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cpuPool.shutdown();
        ioPool.shutdown();
        try {
            long left = Math.max(0, closeDeadline - System.nanoTime());
            cpuPool.awaitTermination(left, TimeUnit.NANOSECONDS);
            left = Math.max(0, closeDeadline - System.nanoTime());
            ioPool.awaitTermination(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cpuPool.shutdownNow();
        ioPool.shutdownNow();
        try {
            commitCursors();
            for (Partition p : held.values()) {
                store.jobs().release(p.lease);
            }
            if (member != null) {
                store.jobs().release(member);
            }
        } catch (RuntimeException e) {
            LOG.warn("engine {}: could not save cursors or release leases on close: {}", options.engineId(),
                    e.toString());
        }
        held.clear();
    }

    /** @return the traces pending per partition, for diagnostics */
    Map<Integer, Integer> pendingCounts() {
        Map<Integer, Integer> out = new TreeMap<>();
        for (Partition p : held.values()) {
            out.put(p.id, p.inFlight());
        }
        return out;
    }
}
