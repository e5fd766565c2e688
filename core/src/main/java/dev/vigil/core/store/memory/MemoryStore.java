package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.AssessmentStore;
import dev.vigil.spi.store.ExperimentStore;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.MonitorStore;
import dev.vigil.spi.store.RetryQueue;
import dev.vigil.spi.store.Coordination;
import dev.vigil.spi.store.ScorerStore;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TraceStore;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The in-memory store. All state sits behind one read-write lock: every write (a whole batch included) happens
 * under the write lock, so a batch is atomic and readers never see half of it; reads share the read lock. The one
 * exception is the hot path of the engine, scorer feedback upserts: they run under the read lock ({@link #shared}),
 * side by side with each other and with reads, and guard what they change with finer locks (each trace's
 * assessments, the rollup rows); such a batch is still all or nothing (checked whole before its first change, with
 * no trace write possible meanwhile) and a reader sees each trace's part of it whole or not at all. The values kept
 * are immutable records, so nothing read can be changed by the caller afterwards.
 */
final class MemoryStore implements Store {

    private final String uri;
    private final Clock clock;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private final MemoryExperimentStore experiments;
    private final MemoryTraceStore traces;
    private final MemoryAssessmentStore assessments;
    private final MemoryScorerStore scorers;
    private final MemoryJobStore jobs;
    private final MemoryMonitorStore monitors;
    private final MemoryRetryQueue retries;
    private final MemoryCoordination coordination;
    private final MemoryBudgetStore budgets;
    private final MemoryRollupStore rollups;
    private final MemoryOutbox outbox;

    /**
     * @param uri the URI it was opened from
     * @param clock for create times and lease expiry
     * @param filterCompiler turns a scan's filter into a predicate (vigil-core's {@code TraceFilter::of})
     */
    MemoryStore(String uri, Clock clock, Function<FilterExpr, Predicate<Trace>> filterCompiler) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.experiments = new MemoryExperimentStore(this);
        this.assessments = new MemoryAssessmentStore(this);
        this.traces = new MemoryTraceStore(this, Objects.requireNonNull(filterCompiler, "filterCompiler"));
        this.scorers = new MemoryScorerStore(this);
        this.jobs = new MemoryJobStore(this);
        this.monitors = new MemoryMonitorStore(this);
        this.retries = new MemoryRetryQueue(this);
        this.coordination = new MemoryCoordination(jobs);
        this.budgets = new MemoryBudgetStore(this);
        this.rollups = new MemoryRollupStore(this);
        this.outbox = new MemoryOutbox(this);
    }

    @Override
    public ExperimentStore experiments() {
        return experiments;
    }

    @Override
    public TraceStore traces() {
        return traces;
    }

    @Override
    public AssessmentStore assessments() {
        return assessments;
    }

    @Override
    public ScorerStore scorers() {
        return scorers;
    }

    @Override
    public JobStore jobs() {
        return jobs;
    }

    @Override
    public MonitorStore monitors() {
        return monitors;
    }

    @Override
    public RetryQueue retries() {
        return retries;
    }

    @Override
    public Coordination coordination() {
        return coordination;
    }

    @Override
    public dev.vigil.spi.store.BudgetStore budgets() {
        return budgets;
    }

    @Override
    public dev.vigil.spi.store.RollupStore rollups() {
        return rollups;
    }

    @Override
    public dev.vigil.spi.store.NotificationOutbox outbox() {
        return outbox;
    }

    @Override
    public String describe() {
        return uri;
    }

    @Override
    public void close() {
        closed = true;
    }

    Clock clock() {
        return clock;
    }

    MemoryExperimentStore experimentStore() {
        return experiments;
    }

    MemoryTraceStore traceStore() {
        return traces;
    }

    MemoryRollupStore rollupStore() {
        return rollups;
    }

    MemoryAssessmentStore assessmentStore() {
        return assessments;
    }

    /** Runs a read under the shared lock. */
    <T> T read(Supplier<T> action) {
        ensureOpen();
        lock.readLock().lock();
        try {
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs a write that guards its own changes with finer locks under the shared lock: beside reads and other such
     * writes, never beside a {@link #write}. The action validates everything before it changes anything.
     */
    <T> T shared(Supplier<T> action) {
        return read(action);
    }

    /** Runs a write under the exclusive lock; the action validates everything before it changes anything. */
    <T> T write(Supplier<T> action) {
        ensureOpen();
        lock.writeLock().lock();
        try {
            return action.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("store " + uri + " is closed");
        }
    }

    /** Throws unless an experiment with this id exists; call under the lock. */
    void requireExperiment(String experimentId, String what) {
        if (experimentId == null || experimentId.isEmpty()) {
            throw new InvalidInputException(what + " has no experiment id");
        }
        if (!experiments.existsLocked(experimentId)) {
            throw new InvalidInputException(what + " names experiment '" + experimentId
                    + "', which does not exist; create it first with experiments().getOrCreate(name)");
        }
    }
}
