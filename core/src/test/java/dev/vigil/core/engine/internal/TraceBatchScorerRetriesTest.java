package dev.vigil.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
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
import dev.vigil.core.engine.BatchScorer;
import dev.vigil.core.engine.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The batch scorer (the Kafka path) on the engine's retry queue: a transient failure after the immediate retries is
 * deferred, not stored as an error; the batch is durable once the pending pair is; a later drain scores it once.
 */
class TraceBatchScorerRetriesTest {

    private final MutableClock clock = MutableClock.atDefaultStart();
    private final AtomicLong ticker = new AtomicLong();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Store memory() {
        Store s = Stores.open("memory:", StoreOptions.withClock(clock));
        toClose.add(s);
        return s;
    }

    private Vigil vigil(Store store) {
        Vigil v = Vigil.builder().store(store).clock(clock).ticker(ticker::get).pauser(d -> { })
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMinutes(5), 0.0))
                .retryFirstDelay(Duration.ofSeconds(30)).retryMaxDelay(Duration.ofMinutes(10)).build();
        toClose.add(v);
        return v;
    }

    private static List<Assessment> feedback(ExperimentHandle exp, String traceId) {
        return exp.assessments(traceId).stream().filter(a -> "judge".equals(a.scorerName())).toList();
    }

    @Test
    void transientFailure_isPendingNotAnError_batchDone_thenScoredOnceByTheDrain() throws Exception {
        Store store = memory();
        Vigil vigil = vigil(store);
        ExperimentHandle exp = vigil.experiment("shop");
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.CPU, in -> {
            calls.incrementAndGet();
            if (down.get()) {
                throw new JudgeException(FailureKind.RATE_LIMITED, "429 slow down", 429, null);
            }
            return "yes";
        })).start(SamplingConfig.of(1.0));
        List<Trace> traces = new TraceGenerator(31, exp.id()).traces(3);
        exp.log(traces);
        List<Assessment> published = new CopyOnWriteArrayList<>();
        BatchScorer scorer = vigil.batchScorer();

        scorer.score(traces, published::addAll).get(1, TimeUnit.MINUTES); // done: the pending pairs are durable

        assertThat(store.retries().count(exp.id(), "judge", 1)).isEqualTo(3);
        for (Trace t : traces) {
            assertThat(feedback(exp, t.traceId())).isEmpty(); // no error row for a transient failure
        }
        assertThat(published).isEmpty();
        assertThat(calls.get()).isEqualTo(6); // 2 immediate attempts each
        PendingRetry p = store.retries().list(exp.id(), "judge", 1, 10).get(0);
        assertThat(p.lastKind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(p.attempts()).isEqualTo(1);
        assertThat(p.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(scorer.inFlight()).isZero();

        // not due yet: the drain takes nothing
        assertThat(scorer.drainRetries()).isZero();

        // due and still failing: deferred again, twice as long
        clock.advance(Duration.ofSeconds(31));
        assertThat(scorer.drainRetries()).isEqualTo(3);
        assertThat(store.retries().list(exp.id(), "judge", 1, 10)).allSatisfy(r -> {
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(r.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(60));
        });
        for (Trace t : traces) {
            assertThat(feedback(exp, t.traceId())).isEmpty();
        }

        // the provider is back: the next drain scores each pair once and empties the queue
        down.set(false);
        clock.advance(Duration.ofSeconds(61));
        assertThat(scorer.drainRetries()).isEqualTo(3);
        for (Trace t : traces) {
            List<Assessment> f = feedback(exp, t.traceId());
            assertThat(f).hasSize(1);
            assertThat(f.get(0).feedback().value()).isEqualTo("yes");
        }
        assertThat(store.retries().count(exp.id(), "judge", 1)).isZero();

        // a re-delivered batch (a Kafka rebalance) finds the pairs scored: nothing runs again
        int before = calls.get();
        scorer.score(traces, published::addAll).get(1, TimeUnit.MINUTES);
        assertThat(calls.get()).isEqualTo(before);
        assertThat(traces).allSatisfy(t -> assertThat(feedback(exp, t.traceId())).hasSize(1));
    }

    @Test
    void permanentFailure_isAnErrorAssessment_notPending() throws Exception {
        Store store = memory();
        Vigil vigil = vigil(store);
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.CPU, in -> {
            throw new JudgeException(FailureKind.BAD_REQUEST, "unknown model", 400, null);
        })).start(SamplingConfig.of(1.0));
        Trace t = new TraceGenerator(32, exp.id()).next();
        exp.log(t);

        vigil.batchScorer().score(List.of(t), a -> { }).get(1, TimeUnit.MINUTES);

        assertThat(feedback(exp, t.traceId())).hasSize(1);
        assertThat(feedback(exp, t.traceId()).get(0).feedback().error().code()).isEqualTo("BAD_REQUEST");
        assertThat(store.retries().count(exp.id(), "judge", 1)).isZero();
    }

    @Test
    void pendingPair_ofAScorerStoppedMeanwhile_leavesTheQueueUnscored() throws Exception {
        Store store = memory();
        Vigil vigil = vigil(store);
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.CPU, in -> {
            throw new JudgeException(FailureKind.OVERLOADED, "503", 503, null);
        })).start(SamplingConfig.of(1.0));
        Trace t = new TraceGenerator(33, exp.id()).next();
        exp.log(t);
        vigil.batchScorer().score(List.of(t), a -> { }).get(1, TimeUnit.MINUTES);
        assertThat(store.retries().count(exp.id(), "judge", 1)).isEqualTo(1);

        exp.scorers().stop("judge");
        clock.advance(Duration.ofMinutes(1));
        assertThat(vigil.batchScorer().drainRetries()).isEqualTo(1);

        assertThat(store.retries().count(exp.id(), "judge", 1)).isZero();
        assertThat(feedback(exp, t.traceId())).isEmpty();
    }

    @Test
    void aScorerThisProcessCannotBuild_isNotRun_itsPairsWaitForAProcessThatCan() throws Exception {
        Store store = memory();
        Vigil first = vigil(store);
        first.experiment("shop").scorers().registerOrGet(dev.vigil.core.scorer.Scorers.code("judge", in -> 1))
                .start(SamplingConfig.of(1.0));
        first.close();
        // another process: the lambda cannot be rebuilt here
        Vigil second = vigil(store);
        ExperimentHandle exp = second.experiment("shop");
        List<Trace> traces = new TraceGenerator(34, exp.id()).traces(3);
        exp.log(traces);

        second.batchScorer().score(traces, a -> { }).get(1, TimeUnit.MINUTES);

        assertThat(store.retries().list(exp.id(), "judge", 1, 10)).hasSize(3)
                .allSatisfy(p -> assertThat(p.lastMessage()).contains("cannot run in this process"));
        // the drain takes them and puts them back, due at once for another process, without running them
        assertThat(second.batchScorer().drainRetries()).isEqualTo(3);
        assertThat(store.retries().count(exp.id(), "judge", 1)).isEqualTo(3);
        assertThat(traces).allSatisfy(t -> assertThat(feedback(exp, t.traceId())).isEmpty());
    }

    @Test
    void pendingPair_scoredMeanwhileByAnotherPath_leavesTheQueueAtOnce_withoutARun() throws Exception {
        Store store = memory();
        Vigil vigil = vigil(store);
        ExperimentHandle exp = vigil.experiment("shop");
        AtomicInteger calls = new AtomicInteger();
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.CPU, in -> {
            calls.incrementAndGet();
            throw new JudgeException(FailureKind.OVERLOADED, "503", 503, null);
        })).start(SamplingConfig.of(1.0));
        Trace t = new TraceGenerator(35, exp.id()).next();
        exp.log(t);
        vigil.batchScorer().score(List.of(t), a -> { }).get(1, TimeUnit.MINUTES);
        assertThat(store.retries().count(exp.id(), "judge", 1)).isEqualTo(1);
        int runs = calls.get();
        // the store tail (or a backfill) stored the pair meanwhile
        Scorer judge = TestScorers.of("judge", Scorer.Workload.CPU, in -> "yes");
        store.assessments().upsertScorerFeedback(List.of(FeedbackAssessment.of(
                dev.vigil.spi.scorer.Feedback.of("yes").withName("judge"), judge, "judge", 1, t.traceId(), 1L, 1.0,
                clock.instant())));

        clock.advance(Duration.ofMinutes(1));
        assertThat(vigil.batchScorer().drainRetries()).isEqualTo(1);

        assertThat(store.retries().count(exp.id(), "judge", 1)).as("released now, not when its claim lapses")
                .isZero();
        assertThat(calls.get()).isEqualTo(runs);
        assertThat(feedback(exp, t.traceId())).hasSize(1);
    }
}
