package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.ScoredValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The conformance of assessments: appends, upserts of scorer feedback by key, and the reads by scorer. */
public abstract class AssessmentConformance extends TraceReadConformance {

    // ================================================================== assessments

    private List<Assessment> everyKindOfAssessment(String traceId) {
        Instant t = ms(5000);
        Map<String, Object> mapValue = new LinkedHashMap<>();
        mapValue.put("score", 4L);
        mapValue.put("labels", List.of("concise", "polite"));
        mapValue.put("ratio", 0.25);
        mapValue.put("ok", true);
        return List.of(
                Assessment.builder().name("thumbs").traceId(traceId).source(AssessmentSource.human("user-1"))
                        .createTime(t).feedback(true).rationale("helpful").build(),
                Assessment.builder().name("relevance").traceId(traceId).spanId("00000000000000a1")
                        .source(AssessmentSource.llmJudge("openai:/gpt-4o-mini")).createTime(t)
                        .lastUpdateTime(t.plusMillis(7)).feedback("yes").rationale("The answer addresses it.")
                        .metadata(Assessment.METADATA_SCORER_NAME, "relevance")
                        .metadata(Assessment.METADATA_SCORER_VERSION, "3")
                        .metadata("vigil.judge.costUsd", "0.00012").metadata("vigil.judge.tokens", "345").build(),
                Assessment.builder().name("score").traceId(traceId).source(AssessmentSource.code("length"))
                        .createTime(t).feedback(0.875).build(),
                Assessment.builder().name("count").traceId(traceId).source(AssessmentSource.code("count"))
                        .createTime(t).feedback(12L).build(),
                Assessment.builder().name("tags").traceId(traceId).source(AssessmentSource.code("tagger"))
                        .createTime(t).feedback(List.of("a", 1L, false)).build(),
                Assessment.builder().name("rubric").traceId(traceId).source(AssessmentSource.code("rubric"))
                        .createTime(t).feedback(mapValue).build(),
                Assessment.builder().name("safety").traceId(traceId)
                        .source(AssessmentSource.llmJudge("anthropic:/claude")).createTime(t)
                        .error(new AssessmentError("RATE_LIMITED", "429 Too Many Requests", "at x.y(Z.java:1)"))
                        .build(),
                Assessment.builder().name("timeout").traceId(traceId).source(AssessmentSource.code("slow"))
                        .createTime(t).error(AssessmentError.of("TIMEOUT", "took longer than 30s")).build(),
                Assessment.builder().name("expected_response").traceId(traceId)
                        .source(AssessmentSource.human("labeler")).createTime(t)
                        .expectation("Refunds within 30 days — ✓").build(),
                Assessment.builder().name("expected_facts").traceId(traceId)
                        .source(AssessmentSource.human("labeler")).createTime(t)
                        .expectation(List.of("fact one", "fact two")).build(),
                Assessment.builder().name("guidelines").traceId(traceId).source(AssessmentSource.human("labeler"))
                        .createTime(t).expectation(Map.of("tone", "formal", "max_words", 120L)).build(),
                Assessment.builder().name("thumbs").traceId(traceId).source(AssessmentSource.human("user-2"))
                        .createTime(t.plusMillis(1)).feedback(false).overrides("a-previous").valid(false)
                        .metadata("comment", "").build());
    }

    @Test
    void append_everyKindOfAssessment_roundTripsInCreationOrder() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        List<Assessment> written = new ArrayList<>();
        for (Assessment a : everyKindOfAssessment("tr-1")) {
            Assessment stored = store.assessments().append(a);
            assertThat(stored.assessmentId()).isNotBlank();
            assertThat(stored).isEqualTo(a.toBuilder().assessmentId(stored.assessmentId()).build());
            written.add(stored);
        }
        assertThat(written).extracting(Assessment::assessmentId).doesNotHaveDuplicates();
        assertThat(store.assessments().listByTrace("tr-1")).containsExactlyElementsOf(written);
        assertThat(store.traces().get("tr-1").orElseThrow().info().assessments()).containsExactlyElementsOf(written);
        assertThat(store.assessments().listByTrace("tr-other")).isEmpty();
    }

    @Test
    void append_givenIdKeptButAnIdAlreadyStoredRejected() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment a = Assessment.builder().assessmentId("a-fixed").name("n").traceId("tr-1")
                .source(AssessmentSource.human("u")).createTime(T0).feedback(1L).build();
        assertThat(store.assessments().append(a)).isEqualTo(a);
        assertThatThrownBy(() -> store.assessments().append(a.toBuilder().feedback(2L).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("a-fixed");
        assertThat(store.assessments().listByTrace("tr-1")).containsExactly(a);
    }

    @Test
    void append_unknownTrace_rejectedAndNothingWritten() {
        Assessment a = Assessment.builder().name("n").traceId("tr-missing").source(AssessmentSource.human("u"))
                .createTime(T0).feedback(true).build();
        assertThatThrownBy(() -> store.assessments().append(a)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tr-missing");
        assertThat(store.assessments().listByTrace("tr-missing")).isEmpty();
    }

    @Test
    void upsert_sameKeyAgain_replacesKeepingIdCreateTimeAndPlace() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment human = store.assessments().append(Assessment.builder().name("thumbs").traceId("tr-1")
                .source(AssessmentSource.human("u")).createTime(T0).feedback(true).build());
        Assessment first = store.assessments().upsertScorerFeedback(
                List.of(scorerFeedback("tr-1", "relevance", "rel", 1, "no"))).get(0);
        Assessment other = store.assessments().upsertScorerFeedback(
                List.of(scorerFeedback("tr-1", "safety", "safe", 1, "yes"))).get(0);
        clock.advance(Duration.ofMinutes(5));
        Assessment retry = scorerFeedback("tr-1", "relevance", "rel", 1, "yes").toBuilder()
                .rationale("second try").build();
        Assessment second = store.assessments().upsertScorerFeedback(List.of(retry)).get(0);
        assertThat(second.assessmentId()).isEqualTo(first.assessmentId());
        assertThat(second.createTime()).isEqualTo(first.createTime());
        assertThat(second.lastUpdateTime()).isEqualTo(retry.lastUpdateTime());
        assertThat(second.feedback().value()).isEqualTo("yes");
        assertThat(second.rationale()).isEqualTo("second try");
        assertThat(store.assessments().listByTrace("tr-1")).containsExactly(human, second, other);
    }

    @Test
    void upsert_otherScorerVersionOrName_addsAnotherAssessment() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        List<Assessment> stored = store.assessments().upsertScorerFeedback(List.of(
                scorerFeedback("tr-1", "relevance", "rel", 1, "no"),
                scorerFeedback("tr-1", "relevance", "rel", 2, "yes"),
                scorerFeedback("tr-1", "relevance", "rel2", 1, "yes"),
                scorerFeedback("tr-1", "relevance_v2", "rel", 1, "yes")));
        assertThat(stored).extracting(Assessment::assessmentId).doesNotHaveDuplicates().hasSize(4);
        assertThat(store.assessments().listByTrace("tr-1")).containsExactlyElementsOf(stored);
    }

    @Test
    void upsert_sameKeyTwiceInOneBatch_leavesOneWithTheLastValue() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        List<Assessment> stored = store.assessments().upsertScorerFeedback(List.of(
                scorerFeedback("tr-1", "relevance", "rel", 1, "no"),
                scorerFeedback("tr-1", "relevance", "rel", 1, "yes")));
        assertThat(stored).hasSize(2);
        assertThat(stored.get(1).assessmentId()).isEqualTo(stored.get(0).assessmentId());
        assertThat(store.assessments().listByTrace("tr-1")).containsExactly(stored.get(1));
    }

    @Test
    void upsert_concurrentWritersOfTheSameKeys_neverDuplicate() throws Exception {
        String exp = experiment("e").experimentId();
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            traces.add(simpleTrace(exp, "tr-" + i, ms(i)));
        }
        store.traces().put(traces);
        runConcurrently(6, thread -> {
            for (int round = 0; round < 5; round++) {
                List<Assessment> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(scorerFeedback("tr-" + i, "relevance", "rel", 1, (long) thread));
                    batch.add(scorerFeedback("tr-" + i, "safety", "safe", 2, "t" + thread));
                }
                store.assessments().upsertScorerFeedback(batch);
            }
        });
        for (int i = 0; i < 20; i++) {
            List<Assessment> as = store.assessments().listByTrace("tr-" + i);
            assertThat(as).extracting(Assessment::name).containsExactlyInAnyOrder("relevance", "safety");
        }
    }

    @Test
    void upsert_withoutScorerMetadata_rejectedAndNothingWritten() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment good = scorerFeedback("tr-1", "relevance", "rel", 1, "yes");
        Assessment noMeta = Assessment.builder().name("x").traceId("tr-1").source(AssessmentSource.code("c"))
                .createTime(T0).feedback(1L).build();
        assertThatThrownBy(() -> store.assessments().upsertScorerFeedback(List.of(good, noMeta)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(Assessment.METADATA_SCORER_NAME);
        Assessment badVersion = good.toBuilder().metadata(Assessment.METADATA_SCORER_VERSION, "one").build();
        assertThatThrownBy(() -> store.assessments().upsertScorerFeedback(List.of(good, badVersion)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("one");
        assertThat(store.assessments().listByTrace("tr-1")).isEmpty();
    }

    @Test
    void upsert_batchWithAnUnknownTrace_writesNothing() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        assertThatThrownBy(() -> store.assessments().upsertScorerFeedback(List.of(
                scorerFeedback("tr-1", "relevance", "rel", 1, "yes"),
                scorerFeedback("tr-missing", "relevance", "rel", 1, "yes"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tr-missing");
        assertThat(store.assessments().listByTrace("tr-1")).isEmpty();
        assertThat(store.assessments().tracesScoredBy("rel", 1, List.of("tr-1", "tr-missing"))).isEmpty();
    }

    @Test
    void valuesByScorer_returnsThatScorersFeedbackInTheTimeRangeByTraceTime() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-late", ms(300)), simpleTrace(exp, "tr-early", ms(100)),
                simpleTrace(exp, "tr-edge", ms(400)), simpleTrace(exp, "tr-before", ms(99)),
                simpleTrace(other, "tr-other", ms(200))));
        store.assessments().upsertScorerFeedback(List.of(
                scorerFeedback("tr-late", "relevance", "rel", 1, 0.5),
                scorerFeedback("tr-early", "relevance", "rel", 2, 1.0),
                scorerFeedback("tr-early", "safety", "safe", 1, true),
                scorerFeedback("tr-edge", "relevance", "rel", 1, 0.0),
                scorerFeedback("tr-before", "relevance", "rel", 1, 0.1),
                scorerFeedback("tr-other", "relevance", "rel", 1, 0.2)));
        store.assessments().append(Assessment.builder().name("relevance").traceId("tr-late")
                .source(AssessmentSource.human("u")).createTime(T0).expectation("not feedback")
                .metadata(Assessment.METADATA_SCORER_NAME, "rel").build());
        List<ScoredValue> values = store.assessments().valuesByScorer(exp, "rel", ms(100), ms(400));
        assertThat(values).extracting(v -> v.assessment().traceId()).containsExactly("tr-early", "tr-late");
        assertThat(values).extracting(ScoredValue::traceTime).containsExactly(ms(100), ms(300));
        assertThat(values).extracting(v -> v.assessment().feedback().value()).containsExactly(1.0, 0.5);
        assertThat(store.assessments().valuesByScorer(exp, "nobody", ms(0), ms(1000))).isEmpty();
        assertThat(store.assessments().valuesByScorer(exp, "rel", ms(100), ms(100))).isEmpty();
        assertThat(store.assessments().valuesByScorer("no-such-experiment", "rel", ms(0), ms(1000))).isEmpty();
    }

    @Test
    void tracesScoredBy_returnsOnlyTracesWithThatScorerVersion() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0)), simpleTrace(exp, "tr-2", ms(1)),
                simpleTrace(exp, "tr-3", ms(2))));
        store.assessments().upsertScorerFeedback(List.of(scorerFeedback("tr-1", "relevance", "rel", 1, "yes"),
                scorerFeedback("tr-2", "relevance", "rel", 2, "yes")));
        assertThat(store.assessments().tracesScoredBy("rel", 1, List.of("tr-1", "tr-2", "tr-3", "tr-x")))
                .containsExactly("tr-1");
        assertThat(store.assessments().tracesScoredBy("rel", 2, List.of("tr-1", "tr-2"))).containsExactly("tr-2");
        assertThat(store.assessments().tracesScoredBy("other", 1, List.of("tr-1"))).isEmpty();
        assertThat(store.assessments().tracesScoredBy("rel", 1, List.of())).isEmpty();
    }
}
