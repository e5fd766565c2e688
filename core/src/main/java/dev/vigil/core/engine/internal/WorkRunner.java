package dev.vigil.core.engine.internal;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import dev.vigil.core.engine.EngineOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the engine's pairs on the reliability layer ({@link ScorerRunner}) and settles each result: feedback is
 * stored, a transient or authentication failure is deferred to the store's retry queue (never stored as an error),
 * a scorer stopped or deleted meanwhile writes nothing, and the run is counted for the scorer's health.
 */
final class WorkRunner {

    private static final Logger LOG = LoggerFactory.getLogger(WorkRunner.class);

    /** Told when a chunk of pairs is done with, stored or not. */
    @FunctionalInterface
    interface Finished {
        /**
         * @param works the chunk
         * @param stored true if its results were stored (the partitions may move past them)
         */
        void finished(List<Work> works, boolean stored);
    }

    private final Store store;
    private final ScorerRunner runner;
    private final ScorerStates states;
    private final Deferrals deferrals;
    private final DurableWrites writes;
    private final RunRecorder recorder;
    private final EngineOptions options;
    private final Clock clock;
    private final BooleanSupplier stopping;
    private final Finished finished;

    WorkRunner(Store store, ScorerRunner runner, ScorerStates states, Deferrals deferrals, DurableWrites writes,
            RunTracker tracker, EngineMetrics metrics, EngineOptions options, Clock clock, BooleanSupplier stopping,
            Finished finished) {
        this.store = store;
        this.runner = runner;
        this.states = states;
        this.deferrals = deferrals;
        this.writes = writes;
        this.recorder = new RunRecorder(store, metrics, tracker, options.engineId());
        this.options = options;
        this.clock = clock;
        this.stopping = stopping;
        this.finished = finished;
    }

    /**
     * Runs a chunk of pairs one after the other and stores their feedback in one write; a transient or auth
     * failure defers its pair to the retry queue instead. Never throws; reports the chunk as finished either way.
     */
    void runAll(List<Work> works) {
        List<Assessment> out = new ArrayList<>(works.size());
        // parallel lists, not a map keyed by Work: a record's hashCode would hash the whole trace
        List<Work> ran = new ArrayList<>(works.size());
        List<Outcome> outcomes = new ArrayList<>(works.size());
        List<PendingRetry> defer = new ArrayList<>();
        boolean stored = false;
        try {
            for (Work w : works) {
                ActiveScorer s = w.scorer();
                if (!states.isActive(s)) {
                    if (states.inSnapshot(s) && states.isPaused(s.key())) {
                        // paused since it was read: the pair waits for the resume
                        defer.add(deferrals.afterFailure(w.retry(), s, w.trace().traceId(), FailureKind.AUTH,
                                states.pauseReason(s.key()), true, clock.instant()));
                    }
                    if (w.retry() != null && !states.inSnapshot(s)) {
                        recorder.release(w); // a claimed retry of a scorer gone meanwhile: out of the queue now
                    }
                    continue; // stopped or deleted since it was read: no new work for it
                }
                long resumes = states.resumes(s.key());
                Outcome o = runner.run(s.scorer(), s.name(), w.input(), options.scorerTimeout());
                if (stopping.getAsBoolean() && Thread.currentThread().isInterrupted()) {
                    return; // closing past the drain timeout: not recorded, scored again after a restart
                }
                states.trackAuth(s, o, resumes);
                // re-check: a scorer stopped or deleted while it ran writes nothing (one paused by this very
                // failure defers the pair)
                if (!states.isActive(s) && !states.isPaused(s.key())) {
                    continue;
                }
                Instant now = clock.instant();
                if (o.transientFailure() || o.authFailure()) {
                    // deferred, not failed: the pair waits in the retry queue, no error assessment
                    defer.add(deferrals.afterFailure(w.retry(), s, w.trace().traceId(), o.kind(),
                            o.failure().message(), states.isPaused(s.key()), now));
                    ran.add(w);
                    outcomes.add(o);
                    continue;
                }
                for (Feedback f : o.feedback()) {
                    out.add(FeedbackAssessment.of(f, s.scorer(), s.name(), s.version(), w.trace(),
                            o.durationNanos(), s.sampling().sampleRate(), now));
                }
                ran.add(w);
                outcomes.add(o);
            }
            if (writes.feedback(out) && (defer.isEmpty() || writes.durably("defer " + defer.size() + " pair(s) to the retry queue",
                    () -> store.retries().defer(defer)))) {
                stored = true;
                Instant now = clock.instant();
                for (int i = 0; i < outcomes.size(); i++) {
                    Outcome o = outcomes.get(i);
                    recorder.record(ran.get(i), o, o.transientFailure() || o.authFailure(), now);
                }
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            LOG.error("engine {}: unexpected failure scoring a chunk; it will be retried after a restart",
                    options.engineId(), t);
        } finally {
            finished.finished(works, stored);
        }
    }
}
