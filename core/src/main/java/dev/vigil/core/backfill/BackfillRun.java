package dev.vigil.core.backfill;

import dev.vigil.core.engine.internal.SamplingDecision;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a backfill job in this process, under the job's lease:
 *
 * <ol>
 *   <li><b>Count first.</b> On its first run the job counts the traces of its range that match its pushed-down
 *       filter ({@link dev.vigil.spi.store.TraceStore#count(dev.vigil.spi.store.TraceQuery)}) and saves the total
 *       with the RUNNING state, so that progress shows {@code scanned/total} exactly from the first page on.</li>
 *   <li><b>Pages.</b> Each page is picked (completed traces, the scorer's own filter, the live sampling
 *       decision, minus pairs the same scorer version already scored) and scored by {@link PairScorer}; the
 *       counters, the page token and the job's deferred pairs are saved in one job update
 *       ({@link BackfillCheckpoint}).</li>
 *   <li><b>Deferred pairs.</b> Pairs whose run ended on a transient failure belong to the job: it retries them
 *       itself when they are due (between pages, then after the last page), whether or not their scorer version
 *       is still active, until each is scored or given up. The job stays RUNNING, with {@code deferred N} in its
 *       progress, until none is left; a resumed job takes them over from its checkpoint.</li>
 * </ol>
 */
final class BackfillRun {

    private static final Logger LOG = LoggerFactory.getLogger(BackfillRun.class);
    /** How often, in real time, a job waiting for its next deferred pair checks the clock and its state. */
    static final Duration WAIT_STEP = Duration.ofMillis(200);

    private final Store store;
    private final Function<String, ScorerRegistry> registries;
    private final SamplingDecision sampling;
    private final PairScorer scorer;
    private final Clock clock;
    private final Duration leaseTtl;
    private final int pageSize;
    private final BooleanSupplier closed;
    private final Map<String, LivePage> pages;

    BackfillRun(Store store, Function<String, ScorerRegistry> registries, SamplingDecision sampling,
            PairScorer scorer, Clock clock, Duration leaseTtl, int pageSize, BooleanSupplier closed,
            Map<String, LivePage> pages) {
        this.store = store;
        this.registries = registries;
        this.sampling = sampling;
        this.scorer = scorer;
        this.clock = clock;
        this.leaseTtl = leaseTtl;
        this.pageSize = pageSize;
        this.closed = closed;
        this.pages = pages;
    }

    /** The job's lease, renewed every third of its time to live (in real time). */
    private final class LeaseKeeper {
        private Lease lease;
        private long renewAt;

        LeaseKeeper(Lease lease) {
            this.lease = lease;
            this.renewAt = System.nanoTime() + leaseTtl.toNanos() / 3;
        }

        /** @return false if the lease was lost (another engine continues the job) */
        boolean keep(String jobId) {
            if (System.nanoTime() - renewAt < 0) {
                return true;
            }
            Optional<Lease> renewed = store.jobs().renew(lease, leaseTtl);
            if (renewed.isEmpty()) {
                LOG.warn("backfill {}: lease lost; another engine continues it", jobId);
                return false;
            }
            lease = renewed.get();
            renewAt = System.nanoTime() + leaseTtl.toNanos() / 3;
            return true;
        }
    }

    /**
     * Runs the job until it ends, is cancelled, loses its lease or the service closes.
     *
     * @param jobId the job
     * @param lease its lease, taken by the caller and released here
     * @throws InterruptedException if interrupted (the job stays RUNNING and is resumed from its checkpoint)
     */
    void run(String jobId, Lease lease) throws InterruptedException {
        LeaseKeeper keeper = new LeaseKeeper(lease);
        try (ExecutorService scoring = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("vigil-backfill-score-", 0).factory())) {
            Job job = job(jobId);
            if (job.status().isTerminal()) {
                return;
            }
            BackfillPlan plan = BackfillPlan.of(job, registries.apply(job.experimentId()));
            BackfillCheckpoint cp = BackfillCheckpoint.decode(job.checkpoint(), job.experimentId());
            Map<Key, PendingRetry> owned = new LinkedHashMap<>();
            cp.deferred().forEach(p -> owned.put(Key.of(p), p));
            Map<String, Long> progress = new LinkedHashMap<>(job.progress());
            if (!progress.containsKey(BackfillProgress.TOTAL)) {
                // count first: the bar shows an exact total from the first page on
                progress.put(BackfillProgress.TOTAL, store.traces().count(plan.query(plan.start())));
            }
            if (job.status() == JobStatus.PENDING || !job.progress().containsKey(BackfillProgress.TOTAL)) {
                job = save(job, JobStatus.RUNNING, progress, cp);
                if (job == null) {
                    return;
                }
            }
            String token = cp.pageToken();
            boolean scanDone = cp.scanDone();
            // Each page's query starts at the last trace's request time (down to the millisecond) as well as at the
            // page token: tokens are positions (time, id) valid for any range of the same experiment, and the
            // narrower range lets a SQL store seek its time index instead of re-reading the range from its start
            // for every page.
            Long last = progress.get(BackfillProgress.LAST_TIME);
            Instant pageFrom = token != null && last != null ? Instant.ofEpochMilli(last) : plan.start();
            while (!scanDone) {
                if (closed.getAsBoolean()) {
                    return;
                }
                TracePage page = store.traces().scan(plan.query(pageFrom), token, pageSize);
                Map<String, Long> ahead = new LinkedHashMap<>(progress);
                scanned(ahead, page);
                LivePage live = new LivePage(ahead);
                pages.put(jobId, live);
                List<PairScorer.Pair> pairs = pick(plan, page.traces(), progress);
                apply(progress, owned, scorer.run(plan.experimentId(), pairs, scoring, live));
                scanned(progress, page);
                scanDone = !page.hasNext();
                token = page.nextPageToken();
                retryDue(plan, owned, progress, scoring);
                job = save(job, scanDone && owned.isEmpty() ? JobStatus.SUCCEEDED : JobStatus.RUNNING, progress,
                        new BackfillCheckpoint(token, scanDone, List.copyOf(owned.values())));
                pages.remove(jobId, live);
                if (job == null || job.status().isTerminal()) {
                    return; // cancelled meanwhile, or done
                }
                Long lastMs = progress.get(BackfillProgress.LAST_TIME);
                if (lastMs != null) {
                    pageFrom = Instant.ofEpochMilli(lastMs);
                }
                if (!keeper.keep(jobId)) {
                    return;
                }
            }
            // the scan has ended: the job's deferred pairs are its last work
            while (!owned.isEmpty()) {
                if (closed.getAsBoolean()) {
                    return;
                }
                if (!retryDue(plan, owned, progress, scoring)) {
                    Thread.sleep(WAIT_STEP);
                    Job current = job(jobId);
                    if (current.status().isTerminal()) {
                        return; // cancelled
                    }
                    if (!keeper.keep(jobId)) {
                        return;
                    }
                    continue;
                }
                job = save(job, owned.isEmpty() ? JobStatus.SUCCEEDED : JobStatus.RUNNING, progress,
                        new BackfillCheckpoint(null, true, List.copyOf(owned.values())));
                if (job == null || job.status().isTerminal() || !keeper.keep(jobId)) {
                    return;
                }
            }
            if (!job.status().isTerminal()) {
                save(job, JobStatus.SUCCEEDED, progress, new BackfillCheckpoint(null, true, List.of()));
            }
        } finally {
            pages.remove(jobId);
            store.jobs().release(keeper.lease);
        }
    }

    /** A deferred pair's identity. */
    private record Key(String traceId, String scorer, int version) {
        static Key of(PendingRetry p) {
            return new Key(p.traceId(), p.scorerName(), p.scorerVersion());
        }
    }

    private static void scanned(Map<String, Long> progress, TracePage page) {
        progress.merge(BackfillProgress.SCANNED, (long) page.traces().size(), Long::sum);
        if (!page.traces().isEmpty()) {
            progress.put(BackfillProgress.LAST_TIME,
                    page.traces().get(page.traces().size() - 1).info().requestTime().toEpochMilli());
        }
        // traces written into the range after the count are scanned too: the total follows
        long scanned = progress.get(BackfillProgress.SCANNED);
        progress.merge(BackfillProgress.TOTAL, scanned, Math::max);
        if (!page.hasNext()) {
            // the end of the scan is the exact total (a row the store could not decode was counted, not scanned)
            progress.put(BackfillProgress.TOTAL, scanned);
        }
    }

    private static void apply(Map<String, Long> progress, Map<Key, PendingRetry> owned, PairScorer.Result r) {
        progress.merge(BackfillProgress.SCORED, r.scored(), Long::sum);
        progress.merge(BackfillProgress.FAILED, r.failed(), Long::sum);
        progress.merge(BackfillProgress.GAVE_UP, r.gaveUp(), Long::sum);
        r.deferred().forEach(p -> owned.put(Key.of(p), p));
        progress.put(BackfillProgress.DEFERRED, (long) owned.size());
    }

    /** The page's pairs to run: complete traces, each scorer's filter and sample, minus those already scored. */
    private List<PairScorer.Pair> pick(BackfillPlan plan, List<Trace> traces, Map<String, Long> progress) {
        List<PairScorer.Pair> pairs = new ArrayList<>();
        Map<String, ScorerInput> inputs = new HashMap<>();
        for (BackfillPlan.Spec s : plan.specs()) {
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
                    pairs.add(new PairScorer.Pair(t, inputs.computeIfAbsent(t.traceId(), id -> ScorerInput.of(t)),
                            s, null));
                }
            }
        }
        return pairs;
    }

    /**
     * Runs the job's deferred pairs that are due now. A pair whose trace is gone, or that was scored meanwhile by
     * the same scorer version (live monitoring), leaves the job without a run.
     *
     * @return true if any pair was due
     */
    private boolean retryDue(BackfillPlan plan, Map<Key, PendingRetry> owned, Map<String, Long> progress,
            ExecutorService scoring) throws InterruptedException {
        Instant now = clock.instant();
        List<PendingRetry> due = owned.values().stream().filter(p -> !p.nextAttemptAt().isAfter(now))
                .sorted(Comparator.comparing(PendingRetry::nextAttemptAt)).limit(pageSize).toList();
        if (due.isEmpty()) {
            return false;
        }
        List<PairScorer.Pair> pairs = new ArrayList<>();
        Map<String, List<PendingRetry>> byScorer = new LinkedHashMap<>();
        for (PendingRetry p : due) {
            byScorer.computeIfAbsent(p.scorerName() + '\n' + p.scorerVersion(), k -> new ArrayList<>()).add(p);
        }
        for (List<PendingRetry> group : byScorer.values()) {
            PendingRetry first = group.get(0);
            Optional<BackfillPlan.Spec> spec = plan.spec(first.scorerName(), first.scorerVersion());
            Set<String> done = store.assessments().tracesScoredBy(first.scorerName(), first.scorerVersion(),
                    group.stream().map(PendingRetry::traceId).toList());
            for (PendingRetry p : group) {
                owned.remove(Key.of(p));
                if (spec.isEmpty() || done.contains(p.traceId())) {
                    continue;
                }
                Optional<Trace> t = store.traces().get(p.traceId());
                if (t.isPresent()) {
                    pairs.add(new PairScorer.Pair(t.get(), ScorerInput.of(t.get()), spec.get(), p));
                }
            }
        }
        apply(progress, owned, scorer.run(plan.experimentId(), pairs, scoring, null));
        return true;
    }

    private Job job(String jobId) {
        return store.jobs().get(jobId).orElseThrow(() -> new NotFoundException("no backfill job '" + jobId + "'"));
    }

    /** Saves the job's progress and checkpoint; null if the job was cancelled meanwhile. */
    private Job save(Job job, JobStatus status, Map<String, Long> progress, BackfillCheckpoint cp) {
        Job current = job;
        for (int i = 0; i < 20; i++) {
            try {
                return store.jobs().update(current.next(status, progress, cp.encode(), null, clock.instant()));
            } catch (StaleWriteException e) {
                current = job(job.jobId());
                if (current.status().isTerminal()) {
                    return null;
                }
            }
        }
        throw new IllegalStateException("backfill " + job.jobId() + ": its job record kept changing");
    }
}
