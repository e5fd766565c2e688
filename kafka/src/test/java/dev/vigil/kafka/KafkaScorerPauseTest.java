package dev.vigil.kafka;

import static dev.vigil.kafka.KafkaFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.ScorerHealth;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.judges.JudgeRuntime;
import dev.vigil.judges.Judges;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kafka path pauses a scorer on repeated authentication failures as the store-tail engine does: a real LLM
 * judge answered 401 by a loopback OpenAI-compatible server, a real in-process KRaft broker.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaScorerPauseTest {

    private static final Duration DEADLINE = Duration.ofMinutes(2);

    private final TestKafka kafka = TestKafka.shared();
    private final String topic = "pause-" + UUID.randomUUID();
    private final String group = "vigil-" + UUID.randomUUID();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private static List<Assessment> judged(ExperimentHandle exp, String traceId, String judge) {
        return exp.assessments(traceId).stream().filter(a -> judge.equals(a.scorerName())).toList();
    }

    private static ScorerHealth health(Vigil vigil, ExperimentHandle exp, String judge) {
        return vigil.scorerHealth(exp.id()).stream().filter(h -> h.name().equals(judge)).findFirst().orElseThrow();
    }

    @Test
    void judgeAnswering401_pausesTheScorer_recordsKeepMoving_pairsDeferred_resumeScoresThemOnce() throws Exception {
        kafka.createTopic(topic, 1);
        ScriptedHttpServer openai = keep(ScriptedHttpServer.start().recordRequests(false));
        OpenAiWire wire = new OpenAiWire();
        openai.fallback(wire.unauthorized());
        MutableClock clock = MutableClock.atDefaultStart();
        Store store = keep(Stores.open("memory:", StoreOptions.withClock(clock)));
        Vigil vigil = keep(Vigil.builder().store(store).clock(clock).engineId("e1").pauser(d -> { })
                .pollInterval(Duration.ofMillis(20)).authFailuresBeforePause(2)
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMinutes(5), 0.0))
                .retryFirstDelay(Duration.ofSeconds(30)).retryMaxDelay(Duration.ofMinutes(10)).build());
        ExperimentHandle exp = vigil.experiment("kafka-test");
        JudgeRuntime runtime = JudgeRuntime.builder().environment(Map.of("OPENAI_BASE_URL",
                openai.baseUri() + "/v1", "OPENAI_API_KEY", "sk-bad")).cache(false).build();
        var registered = exp.scorers().register(Judges.safety().model("openai:/gpt-4o-mini").runtime(runtime)
                .build());
        registered.start(SamplingConfig.of(1.0));
        String judge = registered.name();
        List<String> first = SharedTestBroker.produceOtlpProto(topic, 6);
        KafkaTraceSource source = keep(new KafkaTraceSource(store, vigil.batchScorer(),
                KafkaSourceOptions.builder().bootstrapServers(kafka.bootstrapServers()).groupId(group).topic(topic)
                        .experiment("kafka-test").pollTimeout(Duration.ofMillis(50)).build(),
                "e1", Duration.ofSeconds(30)));
        source.start();

        // the 401s pause the judge for the Kafka path: its health says so, its pairs wait in the retry queue, no
        // error assessment is stored, and the offsets move past them
        await("the judge paused", DEADLINE, () -> health(vigil, exp, judge).state() == ScorerHealth.State.PAUSED);
        await("6 pending pairs", DEADLINE, () -> store.retries().count(exp.id(), judge, 1) == 6);
        await("offsets committed past the deferred pairs", DEADLINE,
                () -> KafkaTraceSourceTest.committed(kafka, topic, group) == 6);
        ScorerHealth paused = health(vigil, exp, judge);
        assertThat(paused.reason()).contains("consecutive authentication failures").contains("Incorrect API key");
        assertThat(paused.lastErrorKind()).isEqualTo(FailureKind.AUTH);
        assertThat(paused.failuresByKind().get(FailureKind.AUTH)).isGreaterThanOrEqualTo(2L);
        assertThat(paused.lastSuccessAt()).isNull();
        assertThat(vigil.engine().statuses()).containsKey(new ScorerKey(exp.id(), judge, 1));
        for (String t : first) {
            assertThat(judged(exp, t, judge)).isEmpty();
        }

        // while paused, new records keep moving without calling the judge: their pairs wait for the resume
        int callsWhilePaused = openai.requestCount();
        List<String> second = SharedTestBroker.produceOtlpProto(topic, 4);
        await("10 pending pairs", DEADLINE, () -> store.retries().count(exp.id(), judge, 1) == 10);
        await("offsets committed past the new records", DEADLINE,
                () -> KafkaTraceSourceTest.committed(kafka, topic, group) == 10);
        assertThat(openai.requestCount()).isEqualTo(callsWhilePaused);
        assertThat(store.retries().list(exp.id(), judge, 1, 20)).allSatisfy(p -> {
            assertThat(p.lastKind()).isEqualTo(FailureKind.AUTH);
            assertThat(p.nextAttemptAt()).isAfter(clock.instant());
        });

        // the credentials are fixed and the judge resumed: its deferred pairs are due at once and scored once each
        openai.fallback(wire.answer(Json.write(Map.of("rationale", "Harmless.", "result", "yes"))));
        assertThat(vigil.engine().resume(new ScorerKey(exp.id(), judge, 1))).isTrue();
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        await("every trace judged once", DEADLINE, () -> all.stream().allMatch(t -> judged(exp, t, judge).size() == 1));
        await("queue drained", DEADLINE, () -> store.retries().count(exp.id(), judge, 1) == 0);
        for (String t : all) {
            Assessment a = judged(exp, t, judge).get(0);
            assertThat(a.feedback().error()).isNull();
            assertThat(a.feedback().value()).isEqualTo("yes");
        }
        ScorerHealth resumed = health(vigil, exp, judge);
        assertThat(resumed.state()).isEqualTo(ScorerHealth.State.RUNNING);
        assertThat(resumed.lastSuccessAt()).isNotNull();
        assertThat(resumed.pendingRetries()).isZero();
    }
}
