package dev.vigil.core.engine.internal;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a scorer's feedback into the assessment the engine stores. */
public final class FeedbackAssessment {

    /** Metadata key: the sample rate the scorer ran at, used to estimate population values. */
    public static final String METADATA_SAMPLE_RATE = "vigil.sampling.rate";

    /** {@code Double.toString(1.0)}, the usual rate, without formatting a double per assessment. */
    private static final String RATE_ONE = Double.toString(1.0);

    private FeedbackAssessment() {}

    /**
     * @param feedback the feedback
     * @param scorer the scorer that made it
     * @param name its registered name
     * @param version its registered version (0 for an unregistered scorer)
     * @param traceId the trace it is on
     * @param durationNanos how long the scorer ran
     * @param sampleRate the sample rate it ran at
     * @param now the time to record
     * @return the assessment: source, scorer name and version, duration and sample rate in metadata
     */
    public static Assessment of(Feedback feedback, Scorer scorer, String name, int version, String traceId,
            long durationNanos, double sampleRate, Instant now) {
        Map<String, String> given = feedback.metadata();
        Map<String, String> md = LinkedHashMap.newLinkedHashMap(given.size() + 4);
        md.putAll(given);
        md.put(Assessment.METADATA_SCORER_NAME, name);
        md.put(Assessment.METADATA_SCORER_VERSION, Integer.toString(version));
        md.put(Assessment.METADATA_DURATION_MS, Long.toString(durationNanos / 1_000_000L));
        md.put(METADATA_SAMPLE_RATE, sampleRate == 1.0 ? RATE_ONE : Double.toString(sampleRate));
        return Assessment.builder().name(feedback.name()).traceId(traceId).spanId(feedback.spanId())
                .source(feedback.source() != null ? feedback.source() : sourceOf(scorer, name)).createTime(now)
                .value(new FeedbackValue(feedback.value(), feedback.error())).rationale(feedback.rationale())
                .metadata(md).build();
    }

    /**
     * As {@link #of(Feedback, Scorer, String, int, String, long, double, Instant)} on a trace, tagging the
     * feedback with the trace's revision ({@link Assessment#METADATA_TRACE_REVISION}) when it is above 0.
     *
     * @param feedback the feedback
     * @param scorer the scorer that made it
     * @param name its registered name
     * @param version its registered version (0 for an unregistered scorer)
     * @param trace the trace it judged
     * @param durationNanos how long the scorer ran
     * @param sampleRate the sample rate it ran at
     * @param now the time to record
     * @return the assessment
     */
    public static Assessment of(Feedback feedback, Scorer scorer, String name, int version, Trace trace,
            long durationNanos, double sampleRate, Instant now) {
        Assessment a = of(feedback, scorer, name, version, trace.traceId(), durationNanos, sampleRate, now);
        long revision = trace.info().revision();
        return revision == 0 ? a : a.toBuilder().metadata(RevisionHistory.tagged(a.metadata(), revision)).build();
    }

    private static AssessmentSource sourceOf(Scorer scorer, String name) {
        try {
            AssessmentSource s = scorer.source();
            return s == null ? AssessmentSource.code(name) : s;
        } catch (RuntimeException e) {
            return AssessmentSource.code(name);
        }
    }
}
