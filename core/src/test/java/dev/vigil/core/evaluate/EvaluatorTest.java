package dev.vigil.core.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.internal.FailureCodes;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.testkit.TraceGenerator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    private final Vigil vigil = Vigil.builder().store("memory:").build();

    @AfterEach
    void close() {
        vigil.close();
    }

    @Test
    void evaluateRecords_givesFeedbackPerItemAndMlflowStyleMetrics() {
        ExperimentHandle exp = vigil.experiment("dev");
        Scorer exact = Scorers.code("exact_match", in -> in.outputs().equals(in.expectations().get("answer")));
        Scorer length = Scorers.code("length", in -> in.outputText().length(), Aggregation.MEAN, Aggregation.MAX);
        List<EvaluationRecord> records = List.of(
                new EvaluationRecord(Map.of("q", "2+2"), "4", Map.of("answer", "4")),
                new EvaluationRecord(Map.of("q", "capital of France"), "Paris", Map.of("answer", "Paris")),
                new EvaluationRecord(Map.of("q", "3*3"), "10", Map.of("answer", "9")));
        EvaluationResult r = exp.evaluateRecords(records, List.of(exact, length));
        assertThat(r.items()).hasSize(3);
        assertThat(r.items().get(0).value("exact_match")).isEqualTo(true);
        assertThat(r.items().get(2).value("exact_match")).isEqualTo(false);
        assertThat(r.items().get(1).value("length")).isEqualTo(5L);
        assertThat(r.metrics()).containsEntry("exact_match/mean", 2.0 / 3);
        assertThat(r.metrics()).containsEntry("length/mean", 8.0 / 3);
        assertThat(r.metrics()).containsEntry("length/max", 5.0);
        assertThat(r.items().get(0).traceId()).isNull();
    }

    @Test
    void evaluateTraces_recordsAFailingScorerPerItem_andGoesOn() {
        ExperimentHandle exp = vigil.experiment("dev");
        List<Trace> traces = new TraceGenerator(1, exp.id()).traces(5);
        Scorer broken = Scorers.code("broken", in -> {
            throw new IllegalArgumentException("no");
        });
        Scorer fine = Scorers.code("fine", in -> "yes");
        EvaluationResult r = exp.evaluate(traces, List.of(broken, fine));
        assertThat(r.items()).extracting(EvaluationResult.Item::traceId)
                .containsExactlyElementsOf(traces.stream().map(Trace::traceId).toList());
        for (EvaluationResult.Item item : r.items()) {
            Feedback f = item.feedback().get("broken").get(0);
            assertThat(f.error().code()).isEqualTo(FailureCodes.SCORER_EXCEPTION);
            assertThat(item.value("fine")).isEqualTo("yes");
        }
        assertThat(r.metrics()).containsEntry("broken/error_count", 5.0).containsEntry("fine/mean", 1.0);
        // nothing was stored
        for (Trace t : traces) {
            assertThat(vigil.store().traces().get(t.traceId())).isEmpty();
        }
    }

    @Test
    void tryScorer_runsARegisteredScorerWithItsFilter_withoutStoring() {
        ExperimentHandle exp = vigil.experiment("dev");
        List<Trace> traces = new TraceGenerator(2, exp.id()).errorRate(0.5).traces(20);
        exp.log(traces);
        exp.scorers().register(Scorers.code("ok_only", in -> 1)).update(SamplingConfig.of(0.0, "trace.status = 'OK'"));
        EvaluationResult r = exp.tryScorer("ok_only", traces);
        long ok = traces.stream().filter(t -> t.info().state() == dev.vigil.spi.model.TraceState.OK).count();
        assertThat(r.items()).hasSize((int) ok);
        assertThat(r.metrics()).containsEntry("ok_only/mean", 1.0);
        for (Trace t : traces) {
            assertThat(exp.assessments(t.traceId())).isEmpty();
        }
        assertThatThrownBy(() -> exp.tryScorer("missing", traces))
                .hasMessage("Scheduled scorer 'missing' not found in experiment 'dev'");
    }

    @Test
    void evaluate_rejectsDuplicateScorerNames() {
        ExperimentHandle exp = vigil.experiment("dev");
        Scorer a = Scorers.code("same", in -> 1);
        assertThatThrownBy(() -> exp.evaluateRecords(List.of(new EvaluationRecord("x", "y", null)), List.of(a, a)))
                .hasMessageContaining("two scorers are named 'same'");
    }

    @Test
    void transientFailure_isRunAgainAfterTheQueuesBackOff_notCountedAsAnError() {
        List<java.time.Duration> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Vigil v = Vigil.builder().store("memory:").pauser(pauses::add)
                .retry(new dev.vigil.core.engine.RetryPolicy(1, java.time.Duration.ofMillis(1),
                        java.time.Duration.ofMillis(1), java.time.Duration.ofMinutes(1), 0.0))
                .retryFirstDelay(java.time.Duration.ofSeconds(30)).evaluateDeferredRounds(2).build()) {
            ExperimentHandle exp = v.experiment("dev");
            List<Trace> traces = new TraceGenerator(2, exp.id()).traces(4);
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            // the provider is overloaded for the first 6 calls, then answers
            Scorer judge = dev.vigil.core.engine.internal.TestScorers.of("judge", Scorer.Workload.IO, in -> {
                if (calls.incrementAndGet() <= 6) {
                    throw new dev.vigil.spi.judge.JudgeException(dev.vigil.spi.judge.FailureKind.OVERLOADED,
                            "503", 503, null);
                }
                return "yes";
            });
            EvaluationResult r = exp.evaluate(traces, List.of(judge));
            assertThat(r.items()).allSatisfy(i -> assertThat(i.value("judge")).isEqualTo("yes"));
            assertThat(r.metrics()).containsEntry("judge/mean", 1.0).doesNotContainKey("judge/error_count")
                    .doesNotContainKey("judge/transient_failure_count");
            // first round: 4 failures; second round after 30 s: 2 more failures; third after 60 s: all answer
            assertThat(pauses).containsExactly(java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(60));
        }
    }

    @Test
    void transientFailure_outlastingTheRounds_isReportedAsTransient_notAsAnError() {
        try (Vigil v = Vigil.builder().store("memory:").pauser(d -> { })
                .retry(new dev.vigil.core.engine.RetryPolicy(1, java.time.Duration.ofMillis(1),
                        java.time.Duration.ofMillis(1), java.time.Duration.ofMinutes(1), 0.0))
                .evaluateDeferredRounds(1).build()) {
            ExperimentHandle exp = v.experiment("dev");
            List<Trace> traces = new TraceGenerator(3, exp.id()).traces(3);
            Scorer judge = dev.vigil.core.engine.internal.TestScorers.of("judge", Scorer.Workload.IO, in -> {
                throw new dev.vigil.spi.judge.JudgeException(dev.vigil.spi.judge.FailureKind.RATE_LIMITED,
                        "429", 429, null);
            });
            EvaluationResult r = exp.evaluate(traces, List.of(judge));
            assertThat(r.items()).allSatisfy(i ->
                    assertThat(i.feedback().get("judge").get(0).error().code()).isEqualTo("RATE_LIMITED"));
            assertThat(r.metrics()).containsEntry("judge/transient_failure_count", 3.0)
                    .doesNotContainKey("judge/error_count");
        }
    }
}
