package dev.vigil.core.backfill;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.core.engine.internal.Outcome;
import dev.vigil.core.engine.internal.SamplingDecision;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 *   <li>Scorers run through the same reliability layer as live monitoring ({@link ScorerRunner}); a pair whose
 *       run ends on a transient or authentication failure after the immediate retries is not stored as an error:
 *       it goes to the store's retry queue with the engine's back-off ({@link Deferrals}), counted as
 *       {@code deferred}, and a monitoring engine scores it later while that scorer version is active. Only
 *       permanent failures (bad request, refusal, unparseable answer, a scorer's exception) become error
 *       feedback.</li>
 * </ul>
 */
public final class BackfillService implements AutoCloseable {

    /** The job type of backfills. */
    public static final String JOB_TYPE = "backfill";

    private static final Logger LOG = LoggerFactory.getLogger(BackfillService.class);
    private static final String LEASE_PREFIX = "vigil.backfill.";

    private final Store store;
    private final Function<String, ScorerRegistry> registries;
    private final SamplingDecision sampling;
    private final ScorerRunner runner;
    private final EngineMetrics metrics;
    private final Clock clock;
    private final String owner;
    private final Duration leaseTtl;
    private final Duration timeout;
    private final int pageSize;
    private final int parallelism;
    private final Deferrals deferrals;
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
     * @param deferrals the back-off of pairs left in the retry queue after a transient failure
     */
    public BackfillService(Store store, Function<String, ScorerRegistry> registries, SamplingDecision sampling,
            ScorerRunner runner, EngineMetrics metrics, Clock clock, String owner, Duration leaseTtl,
            Duration timeout, int pageSize, int parallelism, Deferrals deferrals) {
        this.store = store;
        this.registries = registries;
        this.sampling = sampling;
        this.runner = runner;
        this.metrics = metrics;
        this.clock = clock;
        this.owner = owner;
        this.leaseTtl = leaseTtl;
        this.timeout = timeout;
        this.pageSize = pageSize;
        this.parallelism = parallelism;
        this.deferrals = Objects.requireNonNull(deferrals, "deferrals");
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
        return live == null || j.status().isTerminal() ? BackfillProgress.of(j) : live.over(j);
    }

    /**
     * The page this process is scoring for a job, before the page is saved: the page counted as scanned, and its
     * runs counted as they finish, so that a progress bar moves from the first page on instead of once per saved
     * page. Its feedback is stored, and the counters saved in the job, when the page ends.
     */
    private static final class LivePage {
        final Map<String, Long> base;
        final java.util.concurrent.atomic.AtomicLong scored = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();

        LivePage(Map<String, Long> base) {
            this.base = Map.copyOf(base);
        }

        void done(boolean runFailed) {
            (runFailed ? failed : scored).incrementAndGet();
        }

        BackfillProgress over(Job job) {
            Map<String, Long> p = new HashMap<>(base);
            p.merge(BackfillProgress.SCORED, scored.get(), Long::sum);
            p.merge(BackfillProgress.FAILED, failed.get(), Long::sum);
            return BackfillProgress.of(job, p);
        }
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

    private record Spec(String name, int version, double rate, TraceFilter filter, Scorer scorer) {}

    @SuppressWarnings("unchecked")
    private void runJob(String jobId) throws InterruptedException {
        Optional<Lease> taken = store.jobs().tryAcquire(LEASE_PREFIX + jobId, owner, leaseTtl);
        if (taken.isEmpty()) {
            return; // another engine runs it
        }
        Lease lease = taken.get();
        long leaseRenewAt = System.nanoTime() + leaseTtl.toNanos() / 3;
        try (ExecutorService scoring = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("vigil-backfill-score-", 0).factory())) {
            Job job = job(jobId);
            if (job.status().isTerminal()) {
                return;
            }
            ScorerRegistry registry = registries.apply(job.experimentId());
            List<Spec> specs = new ArrayList<>();
            List<FilterExpr> filters = new ArrayList<>();
            boolean anyUnfiltered = false;
            for (Object o : (List<Object>) job.spec().get("scorers")) {
                Map<String, Object> m = (Map<String, Object>) o;
                String name = (String) m.get("name");
                int version = ((Number) m.get("version")).intValue();
                double rate = ((Number) m.get("sampleRate")).doubleValue();
                String filter = (String) m.get("filter");
                TraceFilter compiled = filter == null ? TraceFilter.MATCH_ALL : TraceFilter.parse(filter);
                Scorer scorer = registry.get(name, version).scorer();
                specs.add(new Spec(name, version, rate, compiled, scorer));
                if (compiled.isMatchAll()) {
                    anyUnfiltered = true;
                } else {
                    filters.add(compiled.expr());
                }
            }
            FilterExpr pushed = anyUnfiltered || filters.isEmpty() ? null
                    : filters.size() == 1 ? filters.get(0) : new FilterExpr.Or(filters);
            Instant start = Instant.parse((String) job.spec().get("start"));
            Instant end = Instant.parse((String) job.spec().get("end"));
            Map<String, Long> progress = new LinkedHashMap<>(job.progress());
            String token = job.checkpoint();
            // Each page's query starts at the last trace's request time (down to the millisecond) as well as at the
            // page token: tokens are positions (time, id) valid for any range of the same experiment, and the
            // narrower range lets a SQL store seek its time index instead of re-reading the range from its start
            // for every page.
            Long last = progress.get(BackfillProgress.LAST_TIME);
            Instant pageFrom = token != null && last != null ? Instant.ofEpochMilli(last) : start;
            if (job.status() == JobStatus.PENDING) {
                job = store.jobs().update(job.next(JobStatus.RUNNING, progress, token, null, clock.instant()));
            }
            while (!closed) {
                TracePage page = store.traces().scan(new TraceQuery(job.experimentId(),
                        pageFrom.isBefore(start) ? start : pageFrom, end, pushed), token, pageSize);
                Map<String, Long> ahead = new LinkedHashMap<>(progress);
                ahead.merge(BackfillProgress.SCANNED, (long) page.traces().size(), Long::sum);
                if (!page.traces().isEmpty()) {
                    ahead.put(BackfillProgress.LAST_TIME,
                            page.traces().get(page.traces().size() - 1).info().requestTime().toEpochMilli());
                }
                ahead.put(BackfillProgress.REMAINING, page.hasNext() ? estimateRemaining(ahead, start, end) : 0);
                LivePage live = new LivePage(ahead);
                pages.put(jobId, live);
                scorePage(job.experimentId(), page.traces(), specs, progress, scoring, live);
                progress.merge(BackfillProgress.SCANNED, (long) page.traces().size(), Long::sum);
                if (!page.traces().isEmpty()) {
                    progress.put(BackfillProgress.LAST_TIME,
                            page.traces().get(page.traces().size() - 1).info().requestTime().toEpochMilli());
                }
                progress.put(BackfillProgress.REMAINING, page.hasNext() ? estimateRemaining(progress, start, end) : 0);
                JobStatus next = page.hasNext() ? JobStatus.RUNNING : JobStatus.SUCCEEDED;
                Job saved = save(job, next, progress, page.nextPageToken());
                pages.remove(jobId, live);
                if (saved == null) {
                    return; // cancelled meanwhile
                }
                job = saved;
                if (!page.hasNext()) {
                    return;
                }
                token = page.nextPageToken();
                Long lastMs = progress.get(BackfillProgress.LAST_TIME);
                if (lastMs != null) {
                    pageFrom = Instant.ofEpochMilli(lastMs);
                }
                if (System.nanoTime() - leaseRenewAt > 0) {
                    Optional<Lease> renewed = store.jobs().renew(lease, leaseTtl);
                    if (renewed.isEmpty()) {
                        LOG.warn("backfill {}: lease lost; another engine continues it", jobId);
                        return;
                    }
                    lease = renewed.get();
                    leaseRenewAt = System.nanoTime() + leaseTtl.toNanos() / 3;
                }
            }
        } finally {
            pages.remove(jobId);
            store.jobs().release(lease);
        }
    }

    /** Saves a page's progress; null if the job was cancelled meanwhile. */
    private Job save(Job job, JobStatus status, Map<String, Long> progress, String token) {
        Job current = job;
        for (int i = 0; i < 20; i++) {
            try {
                return store.jobs().update(current.next(status, progress, token, null, clock.instant()));
            } catch (StaleWriteException e) {
                current = job(job.jobId());
                if (current.status().isTerminal()) {
                    return null;
                }
            }
        }
        throw new IllegalStateException("backfill " + job.jobId() + ": its job record kept changing");
    }

    private static long estimateRemaining(Map<String, Long> progress, Instant start, Instant end) {
        long scanned = progress.getOrDefault(BackfillProgress.SCANNED, 0L);
        Long last = progress.get(BackfillProgress.LAST_TIME);
        if (last == null || scanned == 0) {
            return 0;
        }
        double covered = (double) (last - start.toEpochMilli() + 1) / Math.max(1, end.toEpochMilli()
                - start.toEpochMilli());
        covered = Math.min(1, Math.max(1e-9, covered));
        return Math.max(0, Math.round(scanned / covered) - scanned);
    }

    private void scorePage(String experimentId, List<Trace> traces, List<Spec> specs, Map<String, Long> progress,
            ExecutorService scoring, LivePage live) throws InterruptedException {
        record Pair(Trace trace, ScorerInput input, Spec spec) {}
        List<Pair> pairs = new ArrayList<>();
        Map<String, ScorerInput> inputs = new HashMap<>();
        for (Spec s : specs) {
            List<Trace> picked = new ArrayList<>();
            for (Trace t : traces) {
                if (!t.info().state().isComplete()) {
                    continue;
                }
                boolean match;
                try {
                    match = s.filter().test(t);
                } catch (RuntimeException e) {
                    match = false;
                }
                if (match && sampling.keep(t.traceId(), s.name(), s.rate())) {
                    picked.add(t);
                }
            }
            progress.merge(BackfillProgress.SAMPLED, (long) picked.size(), Long::sum);
            if (picked.isEmpty()) {
                continue;
            }
            Set<String> done = store.assessments().tracesScoredBy(s.name(), s.version(),
                    picked.stream().map(Trace::traceId).toList());
            progress.merge(BackfillProgress.SKIPPED, (long) done.size(), Long::sum);
            for (Trace t : picked) {
                if (!done.contains(t.traceId())) {
                    pairs.add(new Pair(t, inputs.computeIfAbsent(t.traceId(), id -> ScorerInput.of(t)), s));
                }
            }
        }
        if (pairs.isEmpty()) {
            return;
        }
        java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(parallelism);
        List<Future<Outcome>> futures = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            futures.add(scoring.submit(() -> {
                permits.acquire();
                try {
                    Outcome o = runner.run(p.spec().scorer(), p.spec().name(), p.input(), timeout);
                    live.done(o.failed());
                    return o;
                } finally {
                    permits.release();
                }
            }));
        }
        List<Assessment> out = new ArrayList<>();
        List<PendingRetry> defer = new ArrayList<>();
        Instant now = clock.instant();
        long scored = 0;
        long failed = 0;
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            Outcome o;
            try {
                o = futures.get(i).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("scorer run failed unexpectedly", e.getCause());
            }
            if (o.transientFailure() || o.authFailure()) {
                // deferred, not failed: the pair waits in the retry queue like a live one, no error row
                defer.add(deferrals.afterFailure(null, new ScorerKey(experimentId, p.spec().name(),
                        p.spec().version()), p.trace().traceId(), o.kind(), o.failure().message(), now));
                metrics.failed(p.spec().name(), o.failure().code());
                continue;
            }
            for (Feedback f : o.feedback()) {
                out.add(FeedbackAssessment.of(f, p.spec().scorer(), p.spec().name(), p.spec().version(),
                        p.trace().traceId(), o.durationNanos(), p.spec().rate(), now));
            }
            if (o.failed()) {
                failed++;
                metrics.failed(p.spec().name(), o.failure().code());
            } else {
                scored++;
                metrics.scored(p.spec().name(), o.durationNanos());
            }
        }
        if (!out.isEmpty()) {
            store.assessments().upsertScorerFeedback(out);
        }
        if (!defer.isEmpty()) {
            // a store without a retry queue throws here: the job fails with that message, nothing is lost (its
            // checkpoint is before this page)
            store.retries().defer(defer);
        }
        progress.merge(BackfillProgress.SCORED, scored, Long::sum);
        progress.merge(BackfillProgress.FAILED, failed, Long::sum);
        progress.merge(BackfillProgress.DEFERRED, (long) defer.size(), Long::sum);
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
