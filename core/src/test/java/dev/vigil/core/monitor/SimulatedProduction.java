package dev.vigil.core.monitor;

import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Simulated production traffic: {@code perMinute} traces a minute, of which a deterministic {@code sampleRate}
 * share is scored by a boolean judge named {@code safety} whose pass rate the caller sets over time.
 */
final class SimulatedProduction {
    private final Store store;
    private final String experimentId;
    private final int perMinute;
    private final double sampleRate;
    private final Random random;
    private long seq;

    SimulatedProduction(Store store, String experimentId, int perMinute, double sampleRate, long seed) {
        this.store = store;
        this.experimentId = experimentId;
        this.perMinute = perMinute;
        this.sampleRate = sampleRate;
        this.random = new Random(seed);
    }

    /** Produces and scores one minute of traffic starting at {@code minuteStart}. */
    void minute(Instant minuteStart, DoubleSupplier passRate) {
        List<Trace> traces = new ArrayList<>();
        List<Assessment> feedback = new ArrayList<>();
        for (int i = 0; i < perMinute; i++) {
            Instant at = minuteStart.plusMillis(i * 60_000L / perMinute);
            String id = "tr-" + (seq++);
            if (random.nextDouble() >= sampleRate) {
                continue; // not sampled: no feedback (and not needed in the store for the monitor)
            }
            traces.add(new Trace(TraceInfo.builder().traceId(id).experimentId(experimentId).requestTime(at)
                    .build(), List.of()));
            boolean pass = random.nextDouble() < passRate.getAsDouble();
            feedback.add(Assessment.builder().name("safety").traceId(id).source(AssessmentSource.code("safety"))
                    .createTime(at).value(FeedbackValue.of(pass))
                    .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "safety",
                            Assessment.METADATA_SCORER_VERSION, "1",
                            FeedbackAssessment.METADATA_SAMPLE_RATE, Double.toString(sampleRate)))
                    .build());
        }
        store.traces().put(traces);
        store.assessments().upsertScorerFeedback(feedback);
    }
}
