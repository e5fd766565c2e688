package dev.vigil.core.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * In-memory counters of what the engine did, always kept: for the whole engine ({@link #snapshot()}) and per
 * experiment ({@link #snapshot(String)}), since one engine scores the traces of every experiment of its store; the
 * session monitor's passes are counted too ({@link Snapshot#sessions()}).
 */
public final class EngineStats implements EngineMetrics {

    private final LongAdder seen = new LongAdder();
    private final Map<String, PerScorer> scorers = new ConcurrentHashMap<>();
    private final Map<String, PerExperiment> experiments = new ConcurrentHashMap<>();
    private final PerSessions sessions = new PerSessions();
    private volatile LongSupplier queueDepth = () -> 0;
    private volatile LongSupplier cursorLag = () -> 0;
    private final java.util.concurrent.atomic.AtomicLong loopFailures = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong consecutiveLoopFailures =
            new java.util.concurrent.atomic.AtomicLong();
    private volatile String lastLoopFailure;

    /**
     * The tail loop's health: whether it is failing now, so that a status line and an exit code can say so.
     *
     * @param failures turns of the loop that failed since the engine started
     * @param consecutive turns that failed since the last one that succeeded (0: healthy now)
     * @param lastFailure the last failure, one line, or null if none
     */
    public record LoopHealth(long failures, long consecutive, String lastFailure) {
        /** @return true if the last turn of the loop failed */
        public boolean failing() {
            return consecutive > 0;
        }
    }

    /** Counters for one scorer, at one moment. */
    public record ScorerCounts(long sampled, long scored, long failed, long inputTokens, long outputTokens,
            double costUsd) {}

    /**
     * The session monitor's counters at one moment (live passes; session backfills are not counted), per
     * (session, scorer) pair except {@code passes}.
     *
     * @param passes passes over an experiment's sessions that finished
     * @param scored pairs scored, an error result included
     * @param failed pairs among {@code scored} whose result is an error
     * @param deferred pairs whose scorer failed transiently or timed out, tried again on a later pass
     */
    public record SessionCounts(long passes, long scored, long failed, long deferred) {
        /** No session counted. */
        public static final SessionCounts NONE = new SessionCounts(0, 0, 0, 0);
    }

    /**
     * The counters at one moment.
     *
     * @param tracesSeen complete traces read
     * @param scorers per scorer name
     * @param queueDepth scorer runs admitted and not finished
     * @param cursorLag arrivals read but not committed
     * @param sessions the session monitor's counters
     */
    public record Snapshot(long tracesSeen, Map<String, ScorerCounts> scorers, long queueDepth, long cursorLag,
            SessionCounts sessions) {
        /** Freezes. */
        public Snapshot {
            scorers = Map.copyOf(scorers);
            sessions = sessions == null ? SessionCounts.NONE : sessions;
        }

        /**
         * A snapshot without session counters.
         *
         * @param tracesSeen complete traces read
         * @param scorers per scorer name
         * @param queueDepth scorer runs admitted and not finished
         * @param cursorLag arrivals read but not committed
         */
        public Snapshot(long tracesSeen, Map<String, ScorerCounts> scorers, long queueDepth, long cursorLag) {
            this(tracesSeen, scorers, queueDepth, cursorLag, SessionCounts.NONE);
        }

        /** @param scorer a name @return its counts, zeros if it never ran */
        public ScorerCounts scorer(String scorer) {
            return scorers.getOrDefault(scorer, new ScorerCounts(0, 0, 0, 0, 0, 0));
        }
    }

    private static final class PerScorer {
        final LongAdder sampled = new LongAdder();
        final LongAdder scored = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder inputTokens = new LongAdder();
        final LongAdder outputTokens = new LongAdder();
        final java.util.concurrent.atomic.DoubleAdder cost = new java.util.concurrent.atomic.DoubleAdder();
    }

    private static final class PerSessions {
        final LongAdder passes = new LongAdder();
        final LongAdder scored = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder deferred = new LongAdder();

        void add(int scoredPairs, int failedPairs, int deferredPairs) {
            passes.increment();
            scored.add(scoredPairs);
            failed.add(failedPairs);
            deferred.add(deferredPairs);
        }

        SessionCounts counts() {
            return new SessionCounts(passes.sum(), scored.sum(), failed.sum(), deferred.sum());
        }
    }

    private static final class PerExperiment {
        final LongAdder seen = new LongAdder();
        final Map<String, PerScorer> scorers = new ConcurrentHashMap<>();
        final PerSessions sessions = new PerSessions();
    }

    private PerScorer of(String scorer) {
        return scorers.computeIfAbsent(scorer, s -> new PerScorer());
    }

    private PerScorer of(String experimentId, String scorer) {
        return experiment(experimentId).scorers.computeIfAbsent(scorer, s -> new PerScorer());
    }

    private PerExperiment experiment(String experimentId) {
        return experiments.computeIfAbsent(experimentId == null ? "" : experimentId, e -> new PerExperiment());
    }

    @Override
    public void traceSeen(String experimentId) {
        seen.increment();
        experiment(experimentId).seen.increment();
    }

    @Override
    public void loopFailed(Throwable failure) {
        loopFailures.incrementAndGet();
        consecutiveLoopFailures.incrementAndGet();
        String m = dev.vigil.spi.Secrets.mask(String.valueOf(failure));
        int nl = m.indexOf('\n');
        lastLoopFailure = nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void loopSucceeded() {
        consecutiveLoopFailures.set(0);
    }

    /** @return the tail loop's health now */
    public LoopHealth loopHealth() {
        return new LoopHealth(loopFailures.get(), consecutiveLoopFailures.get(), lastLoopFailure);
    }

    @Override
    public void sampled(String scorer) {
        of(scorer).sampled.increment();
    }

    @Override
    public void sampled(String experimentId, String scorer) {
        sampled(scorer);
        of(experimentId, scorer).sampled.increment();
    }

    @Override
    public void scored(String experimentId, String scorer, long durationNanos) {
        scored(scorer, durationNanos);
        of(experimentId, scorer).scored.increment();
    }

    @Override
    public void failed(String experimentId, String scorer, String code) {
        failed(scorer, code);
        of(experimentId, scorer).failed.increment();
    }

    @Override
    public void scored(String scorer, long durationNanos) {
        of(scorer).scored.increment();
    }

    @Override
    public void failed(String scorer, String code) {
        of(scorer).failed.increment();
    }

    @Override
    public void judgeUsage(String scorer, long inputTokens, long outputTokens, double costUsd) {
        PerScorer p = of(scorer);
        p.inputTokens.add(inputTokens);
        p.outputTokens.add(outputTokens);
        p.cost.add(costUsd);
    }

    @Override
    public void sessionPass(String experimentId, int scored, int failed, int deferred) {
        sessions.add(scored, failed, deferred);
        experiment(experimentId).sessions.add(scored, failed, deferred);
    }

    @Override
    public void bindGauges(LongSupplier queueDepth, LongSupplier cursorLag) {
        this.queueDepth = queueDepth;
        this.cursorLag = cursorLag;
    }

    /** @return the counters now, over every experiment */
    public Snapshot snapshot() {
        return new Snapshot(seen.sum(), counts(scorers), queueDepth.getAsLong(), cursorLag.getAsLong(),
                sessions.counts());
    }

    /**
     * The counters of one experiment: the traces of it the engine read, and the runs of its scorers that the
     * engine reported with their experiment (live monitoring and the batch scorer; judge usage and backfill runs
     * are counted only in {@link #snapshot()}). The queue depth and cursor lag are the engine's, for every
     * experiment: the engine reads one stream of traces for its whole store.
     *
     * @param experimentId an experiment id
     * @return its counters now (zeros if the engine saw nothing of it)
     */
    public Snapshot snapshot(String experimentId) {
        PerExperiment e = experiments.get(experimentId);
        return new Snapshot(e == null ? 0 : e.seen.sum(), e == null ? Map.of() : counts(e.scorers),
                queueDepth.getAsLong(), cursorLag.getAsLong(), e == null ? SessionCounts.NONE : e.sessions.counts());
    }

    private static Map<String, ScorerCounts> counts(Map<String, PerScorer> scorers) {
        Map<String, ScorerCounts> out = new TreeMap<>();
        scorers.forEach((k, p) -> out.put(k, new ScorerCounts(p.sampled.sum(), p.scored.sum(), p.failed.sum(),
                p.inputTokens.sum(), p.outputTokens.sum(), p.cost.sum())));
        return out;
    }
}
