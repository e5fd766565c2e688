package dev.vigil.storage.fs;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.AssessmentStore;
import dev.vigil.spi.store.ExperimentStore;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.MonitorStore;
import dev.vigil.spi.store.ScorerStore;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.TraceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory-backed store. Layout under the root:
 *
 * <pre>
 *   LOCK                               held (FileChannel.tryLock) by the one writing process
 *   experiments/&lt;id&gt;/experiment.state   the experiment (id, name, creation time)
 *   experiments/&lt;id&gt;/traces/*.seg       the experiment's trace log (append-only segments)
 *   experiments/&lt;id&gt;/scorers.state     its registered scorer versions
 *   experiments/&lt;id&gt;/monitors.state    its monitors and their recent transitions
 *   assessments/*.seg                   the assessment log (append-only; compacted in the background)
 *   state/jobs.state, cursors.state, leases.state, archival.state, budgets.state, outbox.state
 *   quarantine/                        copies of bytes cut off at recovery
 * </pre>
 *
 * Directory names come only from ids this store generates ("1", "2", ...): no experiment name, trace id or
 * job id ever becomes part of a path. The indexes (by id, by (experiment, request time, id), by arrival
 * sequence) are kept in memory and rebuilt from the segments, verifying every checksum, at each open.
 *
 * <p>Concurrency: one read-write lock. Writers hold the write lock while they append and fsync, so a batch is
 * in the index exactly when it is durable; readers share the read lock.
 */
final class FileStore implements FsStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);

    final Path root;
    final String uri;
    final Clock clock;
    final FsOptions options;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final Path quarantine;
    /** Unreadable rows met while reading (logged and counted once, skipped). */
    final dev.vigil.spi.store.SkippedRows skipped;

    /** Held while the store is open for writing; null when it is open read-only. */
    private final ProcessLock processLock;
    private final RecoveryReport report;
    /** The fsync and archival tasks; null when the store is open read-only. */
    private final FsBackground background;
    private volatile boolean closed;

    final FsExperimentStore experiments;
    final FsTraceStore traces;
    final FsAssessmentStore assessments;
    final FsScorerStore scorers;
    final FsJobStore jobs;
    final FsMonitorStore monitors;
    final FsRetryQueue retries;
    final FsCoordination coordination;
    final FsBudgetStore budgets;
    final FsRollupStore rollups;
    final FsOutbox outbox;
    final TraceArchiver archiver;

    private FileStore(Path root, String uri, StoreOptions storeOptions) {
        this.root = root;
        this.uri = uri;
        this.clock = storeOptions.clock();
        this.options = FsOptions.from(storeOptions);
        this.quarantine = root.resolve("quarantine");
        this.skipped = new dev.vigil.spi.store.SkippedRows(uri);
        ProcessLock pl = null;
        RecoveryReport.Builder rb = new RecoveryReport.Builder();
        try {
            if (options.readOnly()) {
                if (!Files.isDirectory(root)) {
                    throw new StoreException("cannot open " + uri + " read-only: " + root + " is not a directory");
                }
            } else {
                Files.createDirectories(root);
                pl = ProcessLock.acquire(root);
            }
        } catch (IOException e) {
            throw new StoreException("cannot open " + uri + ": " + e, e);
        }
        this.processLock = pl;
        this.experiments = new FsExperimentStore(this);
        this.traces = new FsTraceStore(this);
        this.assessments = new FsAssessmentStore(this);
        this.scorers = new FsScorerStore(this);
        this.jobs = new FsJobStore(this);
        this.monitors = new FsMonitorStore(this);
        this.retries = new FsRetryQueue(this);
        this.coordination = new FsCoordination(this, jobs);
        this.budgets = new FsBudgetStore(this);
        this.rollups = new FsRollupStore(this);
        this.outbox = new FsOutbox(this);
        this.archiver = new TraceArchiver(this);
        try {
            experiments.load(rb);
            traces.load(rb);
            assessments.load(rb);
            scorers.load();
            monitors.load();
            jobs.load(rb);
            retries.load();
            coordination.load();
            archiver.load();
        } catch (RuntimeException e) {
            closeResources();
            throw e instanceof StoreException ? e : new StoreException("cannot open " + uri + ": " + e, e);
        }
        this.report = rb.build();
        if (!report.isClean()) {
            LOG.warn("file store {} recovered at open:\n{}", uri, report);
        }
        this.background = FsBackground.start(this);
    }

    static FileStore open(Path root, String uri, StoreOptions options) {
        return new FileStore(root.toAbsolutePath().normalize(), uri, options);
    }

    // ------------------------------------------------------------------ locking helpers

    <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            checkOpen();
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    <T> T write(Supplier<T> body) {
        if (options.readOnly()) {
            throw new StoreException("the store " + uri + " is open read-only; open it without "
                    + FsOptions.READ_ONLY + "=true to write");
        }
        lock.writeLock().lock();
        try {
            checkOpen();
            return body.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** fsync now if the policy is per batch; the background task does it otherwise. */
    void durable(SegmentLog log) {
        if (options.fsync() == FsOptions.Fsync.BATCH) {
            log.force();
        }
    }

    /** @return whether {@link #close} has begun */
    boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw new StoreException("the store " + uri + " is closed");
        }
    }

    Instant now() {
        return clock.instant();
    }

    Path experimentsDir() {
        return root.resolve("experiments");
    }

    Path stateDir() {
        return root.resolve("state");
    }

    /** Requires an existing experiment; call under the lock. */
    Experiment requireExperiment(String experimentId, String what) {
        Experiment e = experiments.getLocked(experimentId);
        if (e == null) {
            throw new InvalidInputException(what + " refers to experiment '" + experimentId
                    + "', which does not exist in " + uri + "; create it with experiments().getOrCreate(name)");
        }
        return e;
    }

    // ------------------------------------------------------------------ Store

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
    public MonitorStore monitors() {
        return monitors;
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
    public JobStore jobs() {
        return jobs;
    }

    @Override
    public dev.vigil.spi.store.RetryQueue retries() {
        return retries;
    }

    @Override
    public dev.vigil.spi.store.Coordination coordination() {
        return coordination;
    }

    @Override
    public long skippedRows() {
        return skipped.count();
    }

    @Override
    public String describe() {
        return uri + (options.readOnly() ? " (read-only)" : "");
    }

    @Override
    public RecoveryReport recoveryReport() {
        return report;
    }

    @Override
    public Path directory() {
        return root;
    }

    @Override
    public ArchiveResult archive(String experimentId, Path target, Instant from, Instant to) {
        return archiver.archive(experimentId, target, from, to);
    }

    @Override
    public ArchiveResult archiveToJdbc(String experimentId, String jdbcUrl, Instant from, Instant to) {
        return archiver.archiveToJdbc(experimentId, jdbcUrl, from, to);
    }

    @Override
    public void enableContinuousArchival(String experimentId, Path target) {
        archiver.enable(experimentId, target);
    }

    @Override
    public void disableContinuousArchival(String experimentId) {
        archiver.disable(experimentId);
    }

    @Override
    public Map<String, Path> continuousArchival() {
        return archiver.enabled();
    }

    @Override
    public List<ArchiveResult> runContinuousArchival() {
        return archiver.runOnce();
    }

    @Override
    public CompactionResult compact() {
        return assessments.compact();
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
        if (background != null) {
            background.stop();
        }
        closeResources();
    }

    private void closeResources() {
        if (traces != null) {
            traces.closeLogs();
        }
        if (assessments != null) {
            assessments.closeLog();
        }
        if (processLock != null) {
            processLock.close();
        }
    }
}
