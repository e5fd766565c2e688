package dev.vigil.core.engine.internal;

import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.store.Store;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a scorer run once its result is durable (its feedback stored or its pair deferred): a retried pair
 * that ended leaves the retry queue, the judge usage and the scored/failed counters are reported, and the run is
 * counted for the scorer's health ({@link RunTracker}). Shared by the store-tail engine ({@link WorkRunner}) and
 * the batch scorer of external sources ({@link TraceBatchScorer}).
 */
final class RunRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);

    private final Store store;
    private final EngineMetrics metrics;
    private final RunTracker tracker;
    private final String engineId;

    RunRecorder(Store store, EngineMetrics metrics, RunTracker tracker, String engineId) {
        this.store = store;
        this.metrics = metrics;
        this.tracker = tracker;
        this.engineId = engineId;
    }

    /** Removes a retried pair from the queue (its claim would otherwise hide it until it lapses). */
    void release(Work w) {
        try {
            store.retries().remove(w.trace().traceId(), w.scorer().name(), w.scorer().version());
        } catch (RuntimeException e) {
            // it comes due again later and is then found scored (or its scorer gone) and dropped
            LOG.warn("engine {}: cannot remove a retried pair from the retry queue: {}", engineId, e.toString());
        }
    }

    /**
     * @param w the pair
     * @param o its run's outcome
     * @param deferred whether the pair was deferred to the retry queue (not stored as feedback)
     * @param now the current time
     */
    void record(Work w, Outcome o, boolean deferred, Instant now) {
        ActiveScorer s = w.scorer();
        String name = s.name();
        if (w.retry() != null && !deferred) {
            release(w);
        }
        // usage first: whoever waits on the scored/failed counters then sees the tokens and cost too
        for (Feedback f : o.feedback()) {
            if (!f.metadata().isEmpty()) {
                JudgeUsage.report(f.metadata(), name, metrics);
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
    }
}
