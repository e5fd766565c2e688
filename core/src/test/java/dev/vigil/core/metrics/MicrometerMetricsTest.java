package dev.vigil.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.internal.Await;
import dev.vigil.core.engine.internal.TestScorers;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.testkit.TraceGenerator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {

    @Test
    void engineCounters_tokensCostAndGauges_arePublishedToMicrometer() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Vigil vigil = Vigil.builder().store("memory:").metrics(MicrometerMetrics.of(registry))
                .pollInterval(Duration.ofMillis(20)).build()) {
            ExperimentHandle exp = vigil.experiment("shop");
            exp.scorers().register(Scorers.code("ok", in -> true)).start(SamplingConfig.of(1.0));
            exp.scorers().register(Scorers.code("bad", in -> {
                throw new IllegalStateException("x");
            })).start(SamplingConfig.of(1.0));
            exp.scorers().register(TestScorers.of("judge", Scorer.Workload.IO, in -> Feedback.of("yes").withMetadata(
                    Map.of(JudgeUsage.INPUT_TOKENS, "120", JudgeUsage.OUTPUT_TOKENS, "8",
                            JudgeUsage.COST_USD, "0.0005")))).start(SamplingConfig.of(1.0));
            vigil.startMonitoring();
            exp.log(new TraceGenerator(1, exp.id()).traces(10));
            // a run is counted scored before its judge usage is reported: await all of it
            Await.until("30 runs and the judge's usage counted", () -> vigil.stats().scorer("ok").scored()
                    + vigil.stats().scorer("bad").failed() + vigil.stats().scorer("judge").scored() == 30
                    && registry.find("vigil.judge.tokens").tag("scorer", "judge").tag("direction", "input")
                            .counters().stream().mapToDouble(c -> c.count()).sum() == 1_200
                    // a run is counted before its work item leaves the queue: await the queue too
                    && registry.get("vigil.engine.queue.depth").gauge().value() == 0);

            assertThat(registry.get("vigil.traces.seen").counter().count()).isEqualTo(10);
            assertThat(registry.get("vigil.scorer.sampled").tag("scorer", "ok").counter().count()).isEqualTo(10);
            assertThat(registry.get("vigil.scorer.scored").tag("scorer", "ok").counter().count()).isEqualTo(10);
            assertThat(registry.get("vigil.scorer.failed").tag("scorer", "bad").tag("code", "SCORER_EXCEPTION")
                    .counter().count()).isEqualTo(10);
            assertThat(registry.get("vigil.scorer.latency").tag("scorer", "ok").timer().count()).isEqualTo(10);
            assertThat(registry.get("vigil.judge.tokens").tag("scorer", "judge").tag("direction", "input")
                    .counter().count()).isEqualTo(1_200);
            assertThat(registry.get("vigil.judge.cost").tag("scorer", "judge").counter().count())
                    .isCloseTo(0.005, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(registry.get("vigil.engine.queue.depth").gauge().value()).isEqualTo(0);
            assertThat(registry.find("vigil.engine.cursor.lag").gauge()).isNotNull();
            assertThat(vigil.stats().scorer("judge").inputTokens()).isEqualTo(1_200);
        }
    }

    @Test
    void sessionPasses_arePublishedPerExperiment() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EngineMetrics metrics = MicrometerMetrics.of(registry);
        metrics.sessionPass("exp-a", 3, 1, 2);
        metrics.sessionPass("exp-a", 1, 0, 0);
        metrics.sessionPass("exp-b", 5, 0, 0);

        assertThat(registry.get("vigil.session.passes").tag("experiment", "exp-a").counter().count()).isEqualTo(2);
        assertThat(registry.get("vigil.session.scored").tag("experiment", "exp-a").counter().count()).isEqualTo(4);
        assertThat(registry.get("vigil.session.failed").tag("experiment", "exp-a").counter().count()).isEqualTo(1);
        assertThat(registry.get("vigil.session.deferred").tag("experiment", "exp-a").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("vigil.session.scored").tag("experiment", "exp-b").counter().count()).isEqualTo(5);
    }
}
