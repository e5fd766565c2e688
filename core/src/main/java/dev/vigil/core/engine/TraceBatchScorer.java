package dev.vigil.core.engine;

import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores traces handed to it by an external source (a Kafka consumer) on the engine's usual path: each complete
 * trace, for each active scorer of its experiment, is filtered, sampled, run through the {@link ScorerRunner}
 * (retries, timeouts, provider limits) and its feedback upserted; pairs already stored for the same scorer version
 * are skipped.
 *
 * <p>The seam between the store-tail {@link MonitoringEngine} and other trace sources: the source decides what to
 * read and when its position may move, this class tells it when a batch is durable. {@link #score} returns a
 * future that completes only after every assessment of the batch was stored; a source moves its position (a Kafka
 * offset) past the batch only then. Nothing is queued without bound: {@link #inFlight()} counts the scorer runs
 * admitted and not finished, which a source compares with {@link #maxInFlight()} to pause reading.
 *
 * <p>Thread-safe. Do not run it beside a started {@link MonitoringEngine} on the same traces (they would both
 * score them; idempotent upserts keep one assessment, but the work is done twice).
 */
public final class TraceBatchScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TraceBatchScorer.class);

    /** A listener told of each batch of assessments once it is stored. */
    @FunctionalInterface
    public interface StoredListener {
        /** @param stored the assessments just stored */
        void stored(List<Assessment> stored);
    }

    private final Store store;
    private final ActiveScorerSource source;
    private final SamplingDecision sampling;
    private final EngineOptions options;
    private final ScorerRunner runner;
    private final EngineMetrics metrics;
    private final Clock clock;
    private final LongSupplier ticker;
    private final ExecutorService pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Loaded> scorers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private record Loaded(List<ActiveScorer> scorers, long loadedAt) {}

    /** One scorer run to do. */
    private record Work(Trace trace, ScorerInput input, ActiveScorer scorer) {}

    /**
     * @param store where assessments are written
     * @param source the active scorers per experiment
     * @param sampling the sampling decision
     * @param options engine options (engine id, scorer timeout, scorer refresh, in-flight limit)
     * @param runner runs scorers with retries, timeouts and provider limits
     * @param metrics where to report
     * @param clock assessment times
     * @param ticker nanosecond ticker for the scorer refresh
     */
    public TraceBatchScorer(Store store, ActiveScorerSource source, SamplingDecision sampling, EngineOptions options,
            ScorerRunner runner, EngineMetrics metrics, Clock clock, LongSupplier ticker) {
        this.store = store;
        this.source = source;
        this.sampling = sampling;
        this.options = options;
        this.runner = runner;
        this.metrics = metrics;
        this.clock = clock;
        this.ticker = ticker;
        // virtual threads: judges wait on I/O; CPU scorers are bounded by the source's in-flight limit
        this.pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vigil-batch-", 0).factory());
    }

    /** @return scorer runs admitted and not finished */
    public int inFlight() {
        return inFlight.get();
    }

    /** @return the in-flight limit from the engine options, past which a source should stop reading */
    public int maxInFlight() {
        return options.maxInFlight();
    }

    /**
     * Re-reads an experiment's active scorers on the next batch.
     *
     * @param experimentId the experiment whose scorers changed
     */
    public void refreshScorers(String experimentId) {
        scorers.remove(experimentId);
    }

    /**
     * Scores the complete traces of a batch (incomplete ones are ignored).
     *
     * @param traces traces, already stored
     * @param listener told of the assessments stored (e.g. to publish them), before the future completes
     * @return a future completed once every assessment of the batch is stored (exceptionally if this scorer was
     *     closed before that: the source must then not move its position past the batch)
     */
    public CompletableFuture<Void> score(List<Trace> traces, StoredListener listener) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the batch scorer was closed"));
        }
        List<Work> work = new ArrayList<>();
        for (Trace t : traces) {
            if (!t.info().state().isComplete()) {
                continue;
            }
            metrics.traceSeen(t.experimentId());
            ScorerInput input = null;
            for (ActiveScorer s : active(t.experimentId())) {
                if (!s.sampling().isActive()) {
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
                    if (input == null) {
                        input = ScorerInput.of(t);
                    }
                    work.add(new Work(t, input, s));
                }
            }
        }
        work = withoutScored(work);
        if (work.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Assessment[]>> runs = new ArrayList<>(work.size());
        inFlight.addAndGet(work.size());
        for (Work w : work) {
            metrics.sampled(w.scorer().experimentId(), w.scorer().name());
            runs.add(CompletableFuture.supplyAsync(() -> run(w), pool)
                    .whenComplete((r, e) -> inFlight.decrementAndGet()));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Assessment> all = new ArrayList<>();
            for (CompletableFuture<Assessment[]> r : runs) {
                all.addAll(List.of(r.join()));
            }
            return all;
        }).thenAccept(all -> {
            List<Assessment> stored = new ArrayList<>(all.size());
            if (!write(all, stored)) {
                throw new IllegalStateException("closed before the assessments were stored");
            }
            if (!stored.isEmpty()) {
                listener.stored(List.copyOf(stored));
            }
        });
    }

    private Assessment[] run(Work w) {
        ActiveScorer s = w.scorer();
        Outcome o = runner.run(s.scorer(), s.name(), w.input(), options.scorerTimeout());
        AssessmentError error = o.failed() ? o.failure() : o.feedback().stream()
                .filter(Feedback::isError).map(Feedback::error).findFirst().orElse(null);
        if (error != null) {
            metrics.failed(s.experimentId(), s.name(), error.code());
        } else {
            metrics.scored(s.experimentId(), s.name(), o.durationNanos());
        }
        List<Assessment> out = new ArrayList<>(o.feedback().size());
        for (Feedback f : o.feedback()) {
            out.add(FeedbackAssessment.of(f, s.scorer(), s.name(), s.version(), w.trace().traceId(),
                    o.durationNanos(), s.sampling().sampleRate(), clock.instant()));
        }
        return out.toArray(Assessment[]::new);
    }

    private List<ActiveScorer> active(String experimentId) {
        Loaded l = scorers.get(experimentId);
        if (l == null || ticker.getAsLong() - l.loadedAt() > options.scorerRefresh().toNanos()) {
            List<ActiveScorer> list;
            try {
                list = List.copyOf(source.active(experimentId));
            } catch (RuntimeException e) {
                LOG.warn("engine {}: cannot read the scorers of experiment {}: {}", options.engineId(),
                        experimentId, e.toString());
                list = l == null ? List.of() : l.scorers();
            }
            l = new Loaded(list, ticker.getAsLong());
            scorers.put(experimentId, l);
        }
        return l.scorers();
    }

    /** Drops pairs already stored for the same scorer version (a re-delivery after a crash or rebalance). */
    private List<Work> withoutScored(List<Work> work) {
        if (work.isEmpty()) {
            return work;
        }
        Map<ScorerKey, List<String>> byScorer = new HashMap<>();
        for (Work w : work) {
            byScorer.computeIfAbsent(w.scorer().key(), k -> new ArrayList<>()).add(w.trace().traceId());
        }
        Map<ScorerKey, Set<String>> scored = new HashMap<>();
        for (var e : byScorer.entrySet()) {
            Set<String> done = store.assessments().tracesScoredBy(e.getKey().name(), e.getKey().version(),
                    e.getValue());
            if (!done.isEmpty()) {
                scored.put(e.getKey(), done);
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

    /** Stores feedback (as stored into {@code out}), retrying store failures until stored or closed; false if given up. */
    private boolean write(List<Assessment> batch, List<Assessment> out) {
        if (batch.isEmpty()) {
            return true;
        }
        long backoffMs = 50;
        while (true) {
            try {
                out.addAll(store.assessments().upsertScorerFeedback(batch));
                return true;
            } catch (InvalidInputException e) {
                if (batch.size() > 1) {
                    boolean all = true;
                    for (Assessment a : batch) {
                        all &= write(List.of(a), out);
                    }
                    return all;
                }
                LOG.warn("engine {}: feedback of scorer '{}' on trace {} cannot be stored: {}", options.engineId(),
                        batch.get(0).scorerName(), batch.get(0).traceId(), e.getMessage());
                return true;
            } catch (RuntimeException e) {
                if (closed) {
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

    /** Stops taking batches, waits up to the drain timeout for runs in flight, then interrupts the rest. */
    @Override
    public void close() {
        closed = true;
        pool.shutdown();
        try {
            Duration d = options.drainTimeout();
            if (!pool.awaitTermination(d.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
