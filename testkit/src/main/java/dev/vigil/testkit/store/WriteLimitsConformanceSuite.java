package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.LimitExceededException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.WriteLimits;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link WriteLimits}: every backend refuses the same oversized writes with a {@link LimitExceededException}
 * naming the field, its size and the limit, and writes nothing of the batch; what fits the limits is stored and
 * read back. A backend's test class extends this and implements {@link #openStore(Clock)} (setup:
 * {@link StoreConformanceBase}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class WriteLimitsConformanceSuite extends StoreConformanceBase {

    private static final WriteLimits LIMITS = WriteLimits.DEFAULTS;

    /** A small trace. */
    protected static Trace trace(String experimentId, String traceId, Object output) {
        long start = T0.toEpochMilli() * 1_000_000L;
        Span root = Span.builder().traceId(traceId).spanId("00000000000000a1").name("root").spanType(SpanTypes.CHAIN)
                .startTimeUnixNano(start).endTimeUnixNano(start + 5_000_000L).status(SpanStatus.OK)
                .inputs(Map.of("question", "q")).outputs(output).build();
        TraceInfo info = TraceInfo.builder().traceId(traceId).experimentId(experimentId).requestTime(T0)
                .executionDurationMs(5L).state(TraceState.OK).build();
        return new Trace(info, List.of(root));
    }

    /** Scorer feedback with a value. */
    protected Assessment feedback(String traceId, String name, Object value) {
        return Assessment.builder().name(name).traceId(traceId).source(AssessmentSource.code("s"))
                .createTime(clock.instant()).feedback(value)
                .metadata(Assessment.METADATA_SCORER_NAME, "s")
                .metadata(Assessment.METADATA_SCORER_VERSION, "1").build();
    }

    @Test
    void traceId_over100kCharacters_isRefusedTheSameOnEveryStore() {
        Experiment e = store.experiments().getOrCreate("limits");
        String id = "t".repeat(100_000);
        assertThatThrownBy(() -> store.traces().put(List.of(trace(e.experimentId(), id, "a"))))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("trace id is 100000 characters; the limit is " + LIMITS.maxIdChars());
        assertThat(store.traces().count(e.experimentId())).isZero();
    }

    @Test
    void traceBatch_oneSpanAttributeOverTheLimit_writesNothingOfTheBatch() {
        Experiment e = store.experiments().getOrCreate("limits");
        Trace ok = trace(e.experimentId(), "tr-ok", "a");
        Trace big = trace(e.experimentId(), "tr-big", "x".repeat(LIMITS.maxSpanAttributeChars() + 1));
        assertThatThrownBy(() -> store.traces().put(List.of(ok, big)))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("outputs of span 00000000000000a1 of trace tr-big");
        assertThat(store.traces().get("tr-ok")).isEmpty();
    }

    @Test
    void executionDuration_beyondAHundredYears_isRefused() {
        Experiment e = store.experiments().getOrCreate("limits");
        Trace t = trace(e.experimentId(), "tr-d", "a");
        Trace huge = new Trace(t.info().toBuilder().executionDurationMs(Long.MAX_VALUE).build(), t.spans());
        assertThatThrownBy(() -> store.traces().put(List.of(huge)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("execution duration of trace tr-d is " + Long.MAX_VALUE + " ms");
    }

    @Test
    void feedbackValue_overTheLimit_isRefusedByUpsertAndAppend() {
        Experiment e = store.experiments().getOrCreate("limits");
        store.traces().put(List.of(trace(e.experimentId(), "tr-1", "a")));
        String big = "x".repeat(LIMITS.maxValueChars());
        assertThatThrownBy(() -> store.assessments().upsertScorerFeedback(List.of(
                feedback("tr-1", "small", true), feedback("tr-1", "big", big))))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("value of assessment 'big' on trace tr-1 is " + (LIMITS.maxValueChars() + 2)
                        + " characters");
        assertThatThrownBy(() -> store.assessments().append(feedback("tr-1", "big", big)))
                .isInstanceOf(LimitExceededException.class);
        assertThat(store.assessments().listByTrace("tr-1")).isEmpty();
    }

    @Test
    void rationaleMetadataErrorAndName_overTheirLimits_areRefused() {
        Experiment e = store.experiments().getOrCreate("limits");
        store.traces().put(List.of(trace(e.experimentId(), "tr-1", "a")));
        Assessment base = feedback("tr-1", "ok", 1);
        List<Assessment> bad = List.of(
                base.toBuilder().rationale("r".repeat(LIMITS.maxRationaleChars() + 1)).build(),
                base.toBuilder().metadata("k", "v".repeat(LIMITS.maxMetadataValueChars() + 1)).build(),
                base.toBuilder().name("n".repeat(LIMITS.maxNameChars() + 1)).build(),
                base.toBuilder().error(new AssessmentError("E", "m".repeat(LIMITS.maxErrorMessageChars() + 1), null))
                        .build(),
                base.toBuilder().error(new AssessmentError("E", "m", "s".repeat(LIMITS.maxStackTraceChars() + 1)))
                        .build());
        for (Assessment a : bad) {
            assertThatThrownBy(() -> store.assessments().upsertScorerFeedback(List.of(a)))
                    .isInstanceOf(LimitExceededException.class);
        }
        assertThat(store.assessments().listByTrace("tr-1")).isEmpty();
    }

    @Test
    void valuesAtTheLimits_areStoredAndReadBack() {
        Experiment e = store.experiments().getOrCreate("limits");
        String id = "t".repeat(LIMITS.maxIdChars());
        store.traces().put(List.of(trace(e.experimentId(), id, "a")));
        String value = "x".repeat(LIMITS.maxValueChars() - 2);
        store.assessments().upsertScorerFeedback(List.of(feedback(id, "big", value)));
        assertThat(store.traces().get(id)).isPresent();
        List<Assessment> read = store.assessments().listByTrace(id);
        assertThat(read).hasSize(1);
        assertThat(read.get(0).feedback().value()).isEqualTo(value);
    }
}
