package dev.vigil.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's bookkeeping of trace revisions: a (trace, scorer version) pair is skipped only once the trace's
 * current revision was scored, and the write of a revision's feedback retires the earlier revision's feedback in the
 * same batch, idempotently (a second write of the same revision, after a crash or by another engine, changes
 * nothing more).
 */
class RevisionScoringTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private final Store store = Stores.open("memory:");
    private final String exp = store.experiments().getOrCreate("rev").experimentId();
    private final ActiveScorer scorer = new ActiveScorer(exp, "quality", 1, Scorers.code("quality", in -> true),
            SamplingConfig.of(1.0), null);

    @AfterEach
    void close() {
        store.close();
    }

    private Trace trace(long revision) {
        TraceInfo.Builder b = TraceInfo.builder().traceId("tr-1").experimentId(exp).requestTime(T0)
                .state(TraceState.OK);
        if (revision > 0) {
            b.traceMetadata(TraceInfo.METADATA_REVISION, Long.toString(revision));
        }
        Trace t = new Trace(b.build(), List.of());
        store.traces().put(List.of(t));
        return t;
    }

    private static Assessment feedback(Trace t, boolean value, Instant at) {
        Assessment a = Assessment.builder().name("quality").traceId(t.traceId()).source(AssessmentSource.code("quality"))
                .createTime(at).feedback(value).metadata(Assessment.METADATA_SCORER_NAME, "quality")
                .metadata(Assessment.METADATA_SCORER_VERSION, "1").build();
        return a.toBuilder().metadata(RevisionHistory.tagged(a.metadata(), t.info().revision())).build();
    }

    private List<Trace> unscored(Trace t) {
        return ScoredPairs.without(store, List.of(t), x -> scorer, x -> x);
    }

    private void write(List<Assessment> fresh) {
        store.assessments().upsertScorerFeedback(RevisionHistory.of(store, fresh).writes());
    }

    @Test
    void aPairIsSkippedOnlyOnceTheTracesCurrentRevisionWasScored() {
        Trace rev0 = trace(0);
        assertThat(unscored(rev0)).hasSize(1);
        write(List.of(feedback(rev0, true, T0)));
        assertThat(unscored(rev0)).isEmpty();

        Trace rev1 = trace(1);
        assertThat(unscored(rev1)).as("scored on revision 0 only").hasSize(1);
        write(List.of(feedback(rev1, false, T0.plusSeconds(1))));
        assertThat(unscored(rev1)).isEmpty();
    }

    @Test
    void aRevisionsFeedbackRetiresTheEarlierOne_andWritingItAgainChangesNothingMore() {
        Trace rev0 = trace(0);
        write(List.of(feedback(rev0, true, T0)));
        String first = store.assessments().listByTrace("tr-1").get(0).assessmentId();
        Trace rev1 = trace(1);

        write(List.of(feedback(rev1, false, T0.plusSeconds(1))));
        write(List.of(feedback(rev1, false, T0.plusSeconds(2)))); // a crash before the cursor moved, or a 2nd engine

        List<Assessment> all = store.assessments().listByTrace("tr-1");
        assertThat(all).hasSize(2);
        assertThat(all.get(0).assessmentId()).isEqualTo(first);
        assertThat(all.get(0).valid()).isFalse();
        assertThat(all.get(1).valid()).isTrue();
        assertThat(all.get(1).traceRevision()).isEqualTo(1);
        assertThat(all.get(1).overrides()).isEqualTo(first);

        Trace rev2 = trace(2);
        write(List.of(feedback(rev2, true, T0.plusSeconds(3))));
        String second = all.get(1).assessmentId();
        List<Assessment> after = store.assessments().listByTrace("tr-1");
        assertThat(after).hasSize(3).filteredOn(Assessment::valid).singleElement().satisfies(a -> {
            assertThat(a.traceRevision()).isEqualTo(2);
            assertThat(a.overrides()).isEqualTo(second);
        });
    }

    @Test
    void feedbackOnAnOlderRevisionThanOneAlreadyScored_isNotStored() {
        trace(0);
        Trace rev1 = trace(1);
        Trace rev2 = trace(2);
        write(List.of(feedback(rev2, true, T0)));

        RevisionHistory.Batch late = RevisionHistory.of(store, List.of(feedback(rev1, false, T0.plusSeconds(1))));

        assertThat(late.writes()).isEmpty();
    }
}
