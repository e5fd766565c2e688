package dev.vigil.core.backfill;

import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.core.engine.internal.Outcome;
import dev.vigil.core.engine.internal.RevisionHistory;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.retry.Deferrals;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backfill's (trace, scorer version) pairs through the same reliability layer as live monitoring
 * ({@link ScorerRunner}), at most {@code parallelism} at once, and stores their feedback in one write. A run that
 * ends on a transient or authentication failure after the immediate retries is not stored: the pair is deferred
 * with the engine's back-off ({@link Deferrals}) and handed back to the job, which owns it; once a pair has failed
 * {@code maxRetries} later attempts as well, the job gives it up and stores the last failure as error feedback (a run
 * the provider's open circuit breaker refused is not one of those attempts: it never reached the provider).
 * Permanent failures (bad request, refusal, unparseable answer, a scorer's exception) become error feedback at once.
 */
final class PairScorer {

    private static final Logger LOG = LoggerFactory.getLogger(PairScorer.class);

    /**
     * One pair to run.
     *
     * @param trace the trace
     * @param input its scorer input (shared by the pairs of one trace)
     * @param spec the scorer version
     * @param previous the pair's deferred entry when this run is a later attempt, else null
     */
    record Pair(Trace trace, ScorerInput input, BackfillPlan.Spec spec, PendingRetry previous) {}

    /**
     * What a batch of runs did.
     *
     * @param scored pairs scored
     * @param failed pairs stored as error feedback (permanent failures and given-up pairs)
     * @param gaveUp of {@code failed}, the pairs given up after their later attempts
     * @param deferred pairs waiting for a later attempt
     */
    record Result(long scored, long failed, long gaveUp, List<PendingRetry> deferred) {}

    private final Store store;
    private final ScorerRunner runner;
    private final EngineMetrics metrics;
    private final Clock clock;
    private final Duration timeout;
    private final int parallelism;
    private final Deferrals deferrals;
    private final int maxRetries;

    PairScorer(Store store, ScorerRunner runner, EngineMetrics metrics, Clock clock, Duration timeout,
            int parallelism, Deferrals deferrals, int maxRetries) {
        this.store = store;
        this.runner = runner;
        this.metrics = metrics;
        this.clock = clock;
        this.timeout = timeout;
        this.parallelism = parallelism;
        this.deferrals = deferrals;
        this.maxRetries = maxRetries;
    }

    /**
     * @param experimentId the experiment
     * @param pairs the pairs
     * @param scoring where runs go
     * @param live counts runs as they finish, or null
     * @return what happened
     * @throws InterruptedException if interrupted while waiting for the runs
     */
    Result run(String experimentId, List<Pair> pairs, ExecutorService scoring, LivePage live)
            throws InterruptedException {
        if (pairs.isEmpty()) {
            return new Result(0, 0, 0, List.of());
        }
        Semaphore permits = new Semaphore(parallelism);
        List<Future<Outcome>> futures = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            futures.add(scoring.submit(() -> {
                permits.acquire();
                try {
                    Outcome o = runner.run(p.spec().scorer(), p.spec().name(), p.input(), timeout);
                    if (live != null && !(o.transientFailure() || o.authFailure())) {
                        live.done(o.failed());
                    }
                    return o;
                } finally {
                    permits.release();
                }
            }));
        }
        List<Assessment> out = new ArrayList<>();
        List<PendingRetry> deferred = new ArrayList<>();
        Instant now = clock.instant();
        long scored = 0;
        long failed = 0;
        long gaveUp = 0;
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            Outcome o;
            try {
                o = futures.get(i).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("scorer run failed unexpectedly", e.getCause());
            }
            if (o.transientFailure() || o.authFailure()) {
                metrics.failed(p.spec().name(), o.failure().code());
                ScorerKey key = new ScorerKey(experimentId, p.spec().name(), p.spec().version());
                // a run the provider's breaker refused never reached it: not one of the pair's later attempts
                PendingRetry next = o.providerRefused()
                        ? deferrals.afterRefusal(p.previous(), key, p.trace().traceId(), o.kind(),
                                o.failure().message(), now)
                        : deferrals.afterFailure(p.previous(), key, p.trace().traceId(), o.kind(),
                                o.failure().message(), now);
                if (next.attempts() <= maxRetries) {
                    // deferred, not failed: no error row; the job tries the pair again when it is due
                    deferred.add(next);
                    continue;
                }
                LOG.warn("backfill: giving up {} v{} on trace {} after {} later attempts: {}", p.spec().name(),
                        p.spec().version(), p.trace().traceId(), maxRetries, o.failure().message());
                gaveUp++;
            }
            for (Feedback f : o.feedback()) {
                out.add(FeedbackAssessment.of(f, p.spec().scorer(), p.spec().name(), p.spec().version(),
                        p.trace(), o.durationNanos(), p.spec().rate(), now));
            }
            if (o.failed()) {
                failed++;
                if (!(o.transientFailure() || o.authFailure())) {
                    metrics.failed(p.spec().name(), o.failure().code());
                }
            } else {
                scored++;
                metrics.scored(p.spec().name(), o.durationNanos());
            }
        }
        if (!out.isEmpty()) {
            store.assessments().upsertScorerFeedback(RevisionHistory.of(store, out).writes());
        }
        return new Result(scored, failed, gaveUp, deferred);
    }
}
