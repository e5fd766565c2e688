package dev.vigil.core.metrics;

import java.util.function.LongSupplier;

/**
 * What the engine reports as it works. The engine calls these from its worker threads; implementations must be
 * thread-safe and cheap. {@link EngineStats} keeps counters in memory (always on); {@link MicrometerMetrics}
 * publishes to a Micrometer registry when the application has Micrometer.
 */
public interface EngineMetrics {

    /** Metrics that go nowhere. */
    EngineMetrics NONE = new EngineMetrics() {};

    /**
     * A complete trace was read from the store.
     *
     * @param experimentId its experiment
     */
    default void traceSeen(String experimentId) {}

    /**
     * One turn of the tail loop failed (the store could not be read, a cursor not saved); the loop retries.
     *
     * @param failure what failed
     */
    default void loopFailed(Throwable failure) {}

    /** One turn of the tail loop succeeded: a failing loop has recovered. */
    default void loopSucceeded() {}

    /**
     * A trace passed a scorer's filter and sample.
     *
     * @param scorer the scorer name
     */
    default void sampled(String scorer) {}

    /**
     * A trace of an experiment passed a scorer's filter and sample. By default reported as {@link #sampled(String)}.
     *
     * @param experimentId the experiment of the scorer and trace
     * @param scorer the scorer name
     */
    default void sampled(String experimentId, String scorer) {
        sampled(scorer);
    }

    /**
     * A scorer produced feedback that was stored.
     *
     * @param scorer the scorer name
     * @param durationNanos how long it ran
     */
    default void scored(String scorer, long durationNanos) {}

    /**
     * A scorer of an experiment produced feedback that was stored. By default reported as
     * {@link #scored(String, long)}.
     *
     * @param experimentId the experiment of the scorer
     * @param scorer the scorer name
     * @param durationNanos how long it ran
     */
    default void scored(String experimentId, String scorer, long durationNanos) {
        scored(scorer, durationNanos);
    }

    /**
     * A scorer run failed and an error feedback was stored.
     *
     * @param scorer the scorer name
     * @param code the error code
     */
    default void failed(String scorer, String code) {}

    /**
     * A scorer run of an experiment failed and an error feedback was stored. By default reported as
     * {@link #failed(String, String)}.
     *
     * @param experimentId the experiment of the scorer
     * @param scorer the scorer name
     * @param code the error code
     */
    default void failed(String experimentId, String scorer, String code) {
        failed(scorer, code);
    }

    /**
     * A judge reported its usage (from the feedback metadata: {@link JudgeUsage}).
     *
     * @param scorer the scorer name
     * @param inputTokens prompt tokens
     * @param outputTokens completion tokens
     * @param costUsd cost in US dollars, 0 if unknown
     */
    default void judgeUsage(String scorer, long inputTokens, long outputTokens, double costUsd) {}

    /**
     * The session monitor finished a pass over an experiment's sessions (live passes only, not session backfills).
     * Counts are per (session, scorer) pair.
     *
     * @param experimentId the experiment
     * @param scored pairs scored, an error result included
     * @param failed pairs among {@code scored} whose result is an error (the scorer failed for good)
     * @param deferred pairs whose scorer failed transiently or timed out: nothing written, tried on a later pass
     */
    default void sessionPass(String experimentId, int scored, int failed, int deferred) {}

    /**
     * Registers the engine's gauges.
     *
     * @param queueDepth scorer runs admitted and not finished
     * @param cursorLag trace arrivals read but not yet committed by the durable cursor, plus the work behind it
     */
    default void bindGauges(LongSupplier queueDepth, LongSupplier cursorLag) {}

    /**
     * Reports to each of several metrics, guarded: a callback that throws (user code) is logged once per sink and
     * skipped, and never reaches the engine's reading loop or workers.
     *
     * @param others metrics to report to
     * @return metrics reporting to each
     */
    static EngineMetrics composite(EngineMetrics... others) {
        EngineMetrics[] all = others.clone();
        java.util.concurrent.atomic.AtomicBoolean[] warned = new java.util.concurrent.atomic.AtomicBoolean[all.length];
        for (int i = 0; i < warned.length; i++) {
            warned[i] = new java.util.concurrent.atomic.AtomicBoolean();
        }
        java.util.function.Consumer<java.util.function.Consumer<EngineMetrics>> each = call -> {
            for (int i = 0; i < all.length; i++) {
                try {
                    call.accept(all[i]);
                } catch (RuntimeException | LinkageError e) {
                    if (warned[i].compareAndSet(false, true)) {
                        org.slf4j.LoggerFactory.getLogger(EngineMetrics.class).warn("metrics callback {} threw; its"
                                + " failures are ignored (logged once) so scoring goes on", all[i].getClass().getName(), e);
                    }
                }
            }
        };
        return new EngineMetrics() {
            @Override
            public void traceSeen(String experimentId) {
                each.accept(m -> m.traceSeen(experimentId));
            }

            @Override
            public void loopFailed(Throwable failure) {
                for (EngineMetrics m : all) {
                    m.loopFailed(failure);
                }
            }

            @Override
            public void loopSucceeded() {
                for (EngineMetrics m : all) {
                    m.loopSucceeded();
                }
            }

            @Override
            public void sampled(String scorer) {
                each.accept(m -> m.sampled(scorer));
            }

            @Override
            public void sampled(String experimentId, String scorer) {
                each.accept(m -> m.sampled(experimentId, scorer));
            }

            @Override
            public void scored(String experimentId, String scorer, long durationNanos) {
                each.accept(m -> m.scored(experimentId, scorer, durationNanos));
            }

            @Override
            public void failed(String experimentId, String scorer, String code) {
                each.accept(m -> m.failed(experimentId, scorer, code));
            }

            @Override
            public void scored(String scorer, long durationNanos) {
                each.accept(m -> m.scored(scorer, durationNanos));
            }

            @Override
            public void failed(String scorer, String code) {
                each.accept(m -> m.failed(scorer, code));
            }

            @Override
            public void judgeUsage(String scorer, long inputTokens, long outputTokens, double costUsd) {
                each.accept(m -> m.judgeUsage(scorer, inputTokens, outputTokens, costUsd));
            }

            @Override
            public void sessionPass(String experimentId, int scored, int failed, int deferred) {
                each.accept(m -> m.sessionPass(experimentId, scored, failed, deferred));
            }

            @Override
            public void bindGauges(LongSupplier queueDepth, LongSupplier cursorLag) {
                each.accept(m -> m.bindGauges(queueDepth, cursorLag));
            }
        };
    }
}
