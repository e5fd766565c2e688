package dev.vigil.core.backfill;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.engine.internal.SamplingDecision;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TraceQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backfill: scores an experiment's history with registered scorers, in the background, as a job persisted in the
 * store's {@link dev.vigil.spi.store.JobStore}.
 *
 * <ul>
 *   <li>The time range and the scorers' filters are pushed to the store ({@link TraceQuery}); each scorer's own
 *       filter is applied again to the page.</li>
 *   <li>Pairs are picked with the same {@link SamplingDecision} as live monitoring, and a pair the same scorer
 *       version already scored (live, or before a crash) is skipped ({@code tracesScoredBy}).</li>
 *   <li>After each page the counters and the page token are saved in one job update: a job whose process died is
 *       resumed from its last page by any engine that takes its lease ({@link #resumeAbandoned()}).</li>
 *   <li>{@link #cancel} marks the job CANCELLED; the runner stops before its next page.</li>
 *   <li>A job counts its range first and shows {@code scanned/total} exactly ({@code BackfillRun}).</li>
 *   <li>Scorers run through the same reliability layer as live monitoring; a pair whose run ends on a transient
 *       or authentication failure after the immediate retries is not stored as an error: the job keeps it
 *       (counted as {@code deferred}, saved in its checkpoint) and retries it itself with the engine's back-off
 *       ({@link Deferrals}), whether or not that scorer version is still active, until it is scored or given up
 *       after {@code maxDeferredRetries} later attempts ({@code PairScorer}). Only permanent failures (bad
 *       request, refusal, unparseable answer, a scorer's exception) become error feedback at once.</li>
 * </ul>
 */
public final class BackfillService implements AutoCloseable {

    /** The job type of backfills. */
    public static final String JOB_TYPE = "backfill";

    private static final Logger LOG = LoggerFactory.getLogger(BackfillService.class);
    private static final String LEASE_PREFIX = "vigil.backfill.";

    private final Store store;
    private final Function<String, ScorerRegistry> registries;
    private final Clock clock;
    private final String owner;
    private final Duration leaseTtl;
    private final BackfillRun runs;
    private final ExecutorService jobsPool = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("vigil-backfill-", 0).factory());
    private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
    private final Map<String, LivePage> pages = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param store the store
     * @param registries the scorer registry of an experiment id
     * @param sampling the live sampling decision
     * @param runner runs scorers
     * @param metrics where to report
     * @param clock the clock
     * @param owner this process's lease owner id
     * @param leaseTtl lease time to live
     * @param timeout per-attempt scorer timeout
     * @param pageSize traces per page (and per checkpoint)
     * @param parallelism scorer runs at once within a page
     * @param deferrals the back-off of the pairs a job defers after a transient failure
     * @param maxDeferredRetries later attempts of a deferred pair before the job gives it up, 1 or more
     */
    public BackfillService(Store store, Function<String, ScorerRegistry> registries, SamplingDecision sampling,
            ScorerRunner runner, EngineMetrics metrics, Clock clock, String owner, Duration leaseTtl,
            Duration timeout, int pageSize, int parallelism, Deferrals deferrals, int maxDeferredRetries) {
        if (maxDeferredRetries < 1) {
            throw new InvalidInputException("maxDeferredRetries must be 1 or more, got " + maxDeferredRetries);
        }
        this.store = store;
        this.registries = registries;
        this.clock = clock;
        this.owner = owner;
        this.leaseTtl = leaseTtl;
        PairScorer pairs = new PairScorer(store, runner, metrics, clock, timeout, parallelism,
                Objects.requireNonNull(deferrals, "deferrals"), maxDeferredRetries);
        this.runs = new BackfillRun(store, registries, sampling, pairs, clock, leaseTtl, pageSize, () -> closed,
                pages);
    }

    /**
     * Creates a backfill job and starts it in the background.
     *
     * @param experimentId the experiment
     * @param experimentName its name (for error messages)
     * @param scorers the registered scorers to run, each with an optional rate
     * @param start earliest trace request time, inclusive
     * @param end latest trace request time, exclusive
     * @return the job id
     * @throws InvalidInputException for an unknown or stopped scorer without a rate, or a bad time range
     */
    public String submit(String experimentId, String experimentName, List<BackfillScorer> scorers, Instant start,
            Instant end) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (scorers.isEmpty()) {
            throw new InvalidInputException("a backfill needs at least one scorer");
        }
        if (!end.isAfter(start)) {
            throw new InvalidInputException("backfill end (" + end + ") must be after its start (" + start + ")");
        }
        ScorerRegistry registry = registries.apply(experimentId);
        List<Map<String, Object>> specs = new ArrayList<>();
        for (BackfillScorer b : scorers) {
            Optional<RegisteredScorer> found = registry.find(b.name());
            if (found.isEmpty()) {
                throw new InvalidInputException("Scheduled scorer '" + b.name() + "' not found in experiment '"
                        + experimentName + "'");
            }
            RegisteredScorer r = found.get();
            if (r.level() == dev.vigil.core.registry.ScorerLevel.SESSION) {
                throw new InvalidInputException("scorer '" + b.name() + "' is a session-level scorer: a trace backfill"
                        + " runs trace-level scorers only; backfill it over sessions with"
                        + " ExperimentHandle.backfillSessions ('vigil backfill' does this by itself)");
            }
            double rate = b.sampleRate().orElse(r.sampleRate());
            if (!(rate > 0)) {
                throw new InvalidInputException("scorer '" + b.name() + "' is stopped (sample rate 0) in experiment '"
                        + experimentName + "'; give the backfill a sample rate in (0, 1] for it");
            }
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("name", r.name());
            spec.put("version", r.version());
            spec.put("sampleRate", rate);
            if (r.filterString() != null) {
                spec.put("filter", r.filterString());
            }
            specs.add(spec);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scorers", specs);
        spec.put("start", start.toString());
        spec.put("end", end.toString());
        Instant now = clock.instant();
        Job job = store.jobs().create(new Job("backfill-" + UUID.randomUUID(), experimentId, JOB_TYPE, spec,
                JobStatus.PENDING, Map.of(), null, null, 1, now, now));
        launch(job.jobId());
        return job.jobId();
    }

    /**
     * @param jobId a job id
     * @return its progress
     * @throws NotFoundException if there is no such job
     */
    public BackfillProgress progress(String jobId) {
        Job j = job(jobId);
        LivePage live = pages.get(jobId);
        return live == null || j.status().isTerminal() ? BackfillProgress.of(j) : BackfillProgress.of(j, live.counters());
    }

    private Job job(String jobId) {
        return store.jobs().get(jobId).orElseThrow(() -> new NotFoundException("no backfill job '" + jobId + "'"));
    }

    /**
     * Cancels a job; a running job stops before its next page. No effect on a finished job.
     *
     * @param jobId the job
     * @return its progress after the cancel
     */
    public BackfillProgress cancel(String jobId) {
        for (int i = 0; i < 20; i++) {
            Job j = job(jobId);
            if (j.status().isTerminal()) {
                return BackfillProgress.of(j);
            }
            try {
                Job c = store.jobs().update(j.next(JobStatus.CANCELLED, j.progress(), j.checkpoint(),
                        "cancelled by a user", clock.instant()));
                return BackfillProgress.of(c);
            } catch (StaleWriteException e) {
                // the runner saved a page meanwhile: read again
            }
        }
        throw new IllegalStateException("could not cancel job " + jobId + ": it kept changing");
    }

    /**
     * Whether a runner holds a job's lease now: this process runs it, or another process renewed its lease within
     * the lease time to live. A job left PENDING or RUNNING whose lease is free was interrupted (its process was
     * stopped or died) and waits to be resumed. Probes by taking and at once releasing the lease.
     *
     * @param jobId a job id
     * @return true if a live runner holds it
     */
    public boolean runnerHolds(String jobId) {
        if (running.containsKey(jobId)) {
            return true;
        }
        Optional<Lease> probe = store.jobs().tryAcquire(LEASE_PREFIX + jobId, owner + ".probe", Duration.ofSeconds(1));
        probe.ifPresent(l -> store.jobs().release(l));
        return probe.isEmpty();
    }

    /**
     * Resumes backfill jobs left PENDING or RUNNING by a process that died (their lease expired).
     *
     * @return the ids of the jobs this call started
     */
    public List<String> resumeAbandoned() {
        List<String> started = new ArrayList<>();
        for (var experiment : store.experiments().list()) {
            for (Job j : store.jobs().list(experiment.experimentId())) {
                if (JOB_TYPE.equals(j.type()) && !j.status().isTerminal() && !running.containsKey(j.jobId())) {
                    Optional<Lease> probe = store.jobs().tryAcquire(LEASE_PREFIX + j.jobId(), owner, leaseTtl);
                    if (probe.isPresent()) {
                        store.jobs().release(probe.get());
                        launch(j.jobId());
                        started.add(j.jobId());
                    }
                }
            }
        }
        return started;
    }

    /**
     * Looks for abandoned backfills now and then every lease time to live, until closed: a job whose engine died
     * is taken over once its lease expires.
     */
    public synchronized void watchAbandoned() {
        if (watcher != null || closed) {
            return;
        }
        watcher = Thread.ofVirtual().name("vigil-backfill-watch").start(() -> {
            while (!closed) {
                try {
                    resumeAbandoned();
                } catch (RuntimeException e) {
                    LOG.warn("looking for abandoned backfills failed: {}", e.toString());
                }
                try {
                    Thread.sleep(leaseTtl);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private Thread watcher;

    /**
     * Waits for a job run by this process to stop (finished, cancelled, failed, or this service closed).
     *
     * @param jobId the job
     * @param timeout the longest wait
     * @return its progress
     * @throws java.util.concurrent.TimeoutException if it is still running after the timeout
     */
    public BackfillProgress await(String jobId, Duration timeout) throws java.util.concurrent.TimeoutException {
        Future<?> f = running.get(jobId);
        if (f != null) {
            try {
                f.get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                // recorded in the job
            }
        }
        return progress(jobId);
    }

    private void launch(String jobId) {
        if (closed) {
            return;
        }
        running.computeIfAbsent(jobId, id -> jobsPool.submit(() -> {
            try {
                runJob(id);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                if (closed) {
                    return; // closing: the job stays RUNNING and is resumed from its checkpoint
                }
                LOG.error("backfill {} stopped by an unexpected failure", id, t);
                fail(id, t);
            } finally {
                running.remove(id);
            }
        }));
    }

    private void fail(String jobId, Throwable t) {
        try {
            Job j = job(jobId);
            if (!j.status().isTerminal()) {
                store.jobs().update(j.next(JobStatus.FAILED, j.progress(), j.checkpoint(), t.toString(),
                        clock.instant()));
            }
        } catch (RuntimeException e) {
            LOG.warn("could not mark backfill {} failed: {}", jobId, e.toString());
        }
    }

    private void runJob(String jobId) throws InterruptedException {
        Optional<Lease> taken = store.jobs().tryAcquire(LEASE_PREFIX + jobId, owner, leaseTtl);
        if (taken.isEmpty()) {
            return; // another engine runs it
        }
        runs.run(jobId, taken.get());
    }

    /** Stops running jobs (they stay RUNNING in the store and are resumed by the next engine). */
    @Override
    public void close() {
        closed = true;
        Thread w;
        synchronized (this) {
            w = watcher;
        }
        if (w != null) {
            w.interrupt();
        }
        jobsPool.shutdownNow();
        try {
            jobsPool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
