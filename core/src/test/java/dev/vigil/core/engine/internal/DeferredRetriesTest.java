package dev.vigil.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.ScorerHealth;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.ScorerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deferred, not failed: transient and auth failures wait in the store's retry queue, never as error rows. */
class DeferredRetriesTest {

    private final MutableClock clock = MutableClock.atDefaultStart();
    private final AtomicLong ticker = new AtomicLong();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    private Store memory() {
        Store s = Stores.open("memory:", StoreOptions.withClock(clock));
        toClose.add(s);
        return s;
    }

    private Vigil vigil(Store store, UnaryOperator<Vigil.Builder> tweak) {
        Vigil v = tweak.apply(Vigil.builder().store(store).clock(clock).ticker(ticker::get).pauser(d -> { })
                .pollInterval(Duration.ofMillis(20)).leaseTtl(Duration.ofSeconds(5))
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMinutes(5), 0.0))
                .retryFirstDelay(Duration.ofSeconds(30)).retryMaxDelay(Duration.ofMinutes(10))).build();
        toClose.add(v);
        return v;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static List<Assessment> feedback(ExperimentHandle exp, String traceId, String scorer) {
        return exp.assessments(traceId).stream().filter(a -> scorer.equals(a.scorerName())).toList();
    }

    @Test
    void transientFailure_afterTheImmediateRetries_isPending_thenScoredOnceLater() {
        Store store = memory();
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        Vigil vigil = vigil(store, b -> b);
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.IO, in -> {
            calls.incrementAndGet();
            if (down.get()) {
                throw new JudgeException(FailureKind.OVERLOADED, "503 from upstream", 503, null);
            }
            return "yes";
        })).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        List<Trace> traces = new TraceGenerator(21, exp.id()).traces(5);
        exp.log(traces);

        Await.until("5 pending pairs", () -> store.retries().count(exp.id(), "judge", 1) == 5);
        assertThat(vigil.awaitIdle(Duration.ofSeconds(30))).isTrue();
        for (Trace t : traces) {
            assertThat(feedback(exp, t.traceId(), "judge")).isEmpty(); // no error row for a transient failure
        }
        PendingRetry p = store.retries().list(exp.id(), "judge", 1, 10).get(0);
        assertThat(p.lastKind()).isEqualTo(FailureKind.OVERLOADED);
        assertThat(p.attempts()).isEqualTo(1);
        assertThat(p.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(calls.get()).isEqualTo(10); // 2 immediate attempts each

        // still down at the first later attempt: deferred again with a doubled wait
        clock.advance(Duration.ofSeconds(31));
        ticker.addAndGet(Duration.ofSeconds(31).toNanos());
        Await.until("second deferral", () -> store.retries().list(exp.id(), "judge", 1, 10).stream()
                .allMatch(r -> r.attempts() == 2));
        assertThat(store.retries().list(exp.id(), "judge", 1, 1).get(0).nextAttemptAt())
                .isEqualTo(clock.instant().plusSeconds(60));

        down.set(false);
        // the provider's breaker opened after 10 failures in a row; time (clock and ticker) moves on until the
        // trial call closes it and every deferred pair came due again
        Await.until("every pair scored", () -> {
            clock.advance(Duration.ofSeconds(30));
            ticker.addAndGet(Duration.ofSeconds(30).toNanos());
            return traces.stream().allMatch(t -> feedback(exp, t.traceId(), "judge").size() == 1);
        });
        Await.until("queue drained", () -> store.retries().count(exp.id(), "judge", 1) == 0);
        for (Trace t : traces) {
            assertThat(feedback(exp, t.traceId(), "judge").get(0).feedback().value()).isEqualTo("yes");
        }
        ScorerHealth h = vigil.scorerHealth(exp.id()).get(0);
        assertThat(h.state()).isEqualTo(ScorerHealth.State.RUNNING);
        assertThat(h.failuresByKind().get(FailureKind.OVERLOADED)).isGreaterThanOrEqualTo(10L);
        assertThat(h.lastSuccessAt()).isNotNull();
        assertThat(h.pendingRetries()).isZero();
        assertThat(h.latencyP50()).isNotNull();
    }

    @Test
    void permanentFailure_isAnErrorAssessment_notPending() {
        Store store = memory();
        Vigil vigil = vigil(store, b -> b);
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.IO, in -> {
            throw new JudgeException(FailureKind.BAD_REQUEST, "unknown model", 400, null);
        })).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        Trace t = new TraceGenerator(22, exp.id()).next();
        exp.log(t);

        Await.until("error row", () -> feedback(exp, t.traceId(), "judge").size() == 1);
        assertThat(feedback(exp, t.traceId(), "judge").get(0).feedback().error().code()).isEqualTo("BAD_REQUEST");
        assertThat(vigil.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(store.retries().count(exp.id(), "judge", 1)).isZero();
    }

    @Test
    void authFailures_pauseTheScorer_itsPairsWait_andResumingScoresThem() {
        Store store = memory();
        AtomicBoolean badKey = new AtomicBoolean(true);
        Vigil vigil = vigil(store, b -> b.authFailuresBeforePause(2).maxInFlight(1));
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.IO, in -> {
            if (badKey.get()) {
                throw new JudgeException(FailureKind.AUTH, "invalid api key", 401, null);
            }
            return true;
        })).start(SamplingConfig.of(1.0));
        exp.scorers().register(Scorers.code("fine", in -> true)).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        List<Trace> traces = new TraceGenerator(23, exp.id()).traces(6);
        exp.log(traces);

        Await.until("other scorer done", () -> traces.stream()
                .allMatch(t -> feedback(exp, t.traceId(), "fine").size() == 1));
        assertThat(vigil.awaitIdle(Duration.ofSeconds(30))).isTrue();
        ScorerKey key = new ScorerKey(exp.id(), "judge", 1);
        assertThat(vigil.engine().statuses().get(key).state()).isEqualTo(ScorerStatus.State.PAUSED);
        assertThat(store.retries().count(exp.id(), "judge", 1)).isEqualTo(6);
        for (Trace t : traces) {
            assertThat(feedback(exp, t.traceId(), "judge")).isEmpty();
        }
        ScorerHealth paused = vigil.scorerHealth(exp.id()).stream().filter(h -> h.name().equals("judge"))
                .findFirst().orElseThrow();
        assertThat(paused.state()).isEqualTo(ScorerHealth.State.PAUSED);
        assertThat(paused.reason()).contains("invalid api key");
        assertThat(paused.pendingRetries()).isEqualTo(6);

        badKey.set(false); // the key was rotated
        assertThat(vigil.engine().resume(key)).isTrue();

        Await.until("missed pairs scored", () -> traces.stream()
                .allMatch(t -> feedback(exp, t.traceId(), "judge").size() == 1));
        Await.until("queue drained", () -> store.retries().count(exp.id(), "judge", 1) == 0);
    }

    @Test
    void aScorerThisProcessCannotBuild_isNotScored_andItsPairsWait() {
        Store store = memory();
        Vigil first = vigil(store, b -> b.engineId("a"));
        ExperimentHandle exp = first.experiment("shop");
        exp.scorers().registerOrGet(Scorers.code("lambda", in -> 1)).start(SamplingConfig.of(1.0));
        first.close();
        // another process: the lambda cannot be rebuilt here
        Vigil second = vigil(store, b -> b.engineId("b"));
        ExperimentHandle exp2 = second.experiment("shop");
        second.startMonitoring();
        List<Trace> traces = new TraceGenerator(24, exp2.id()).traces(3);
        exp2.log(traces);

        Await.until("pairs pending", () -> store.retries().count(exp2.id(), "lambda", 1) == 3);
        assertThat(second.awaitIdle(Duration.ofSeconds(30))).isTrue();
        for (Trace t : traces) {
            assertThat(feedback(exp2, t.traceId(), "lambda")).isEmpty();
        }
        ScorerHealth h = second.scorerHealth(exp2.id()).get(0);
        assertThat(h.state()).isEqualTo(ScorerHealth.State.UNAVAILABLE);
        assertThat(h.reason()).contains("cannot build");
        assertThat(h.pendingRetries()).isEqualTo(3);
    }

    @Test
    void restartWithAnotherPartitionCount_isRefused_untilTheCountIsChanged() {
        Store store = memory();
        Vigil four = vigil(store, b -> b.partitions(4).engineId("a"));
        four.experiment("shop");
        four.startMonitoring();
        four.close();

        Vigil two = vigil(store, b -> b.partitions(2).engineId("b"));
        assertThatThrownBy(two::startMonitoring).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("4 partition(s)").hasMessageContaining("configured with 2")
                .hasMessageContaining("changePartitionCount");

        assertThat(two.changePartitionCount(2)).isEqualTo(4);
        two.startMonitoring();
        assertThat(two.isMonitoring()).isTrue();
    }
}
