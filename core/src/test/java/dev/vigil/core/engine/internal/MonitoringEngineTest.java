package dev.vigil.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.ScorerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MonitoringEngineTest {

    private final MutableClock clock = MutableClock.atDefaultStart();
    private final AtomicLong ticker = new AtomicLong();
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    private Vigil vigil(Store store) {
        return vigil(store, b -> b);
    }

    private Vigil vigil(Store store, java.util.function.UnaryOperator<Vigil.Builder> tweak) {
        Vigil v = tweak.apply(Vigil.builder().store(store).clock(clock).ticker(ticker::get)
                .pauser(pauses::add).pollInterval(Duration.ofMillis(20)).leaseTtl(Duration.ofSeconds(5)))
                .build();
        toClose.add(v);
        return v;
    }

    private Store memory() {
        Store s = Stores.open("memory:");
        toClose.add(s);
        return s;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static List<Assessment> scorerFeedback(ExperimentHandle exp, String traceId, String scorer) {
        return exp.assessments(traceId).stream().filter(a -> scorer.equals(a.scorerName())).toList();
    }

    private static long countFeedback(ExperimentHandle exp, List<Trace> traces, String scorer) {
        return traces.stream().mapToLong(t -> scorerFeedback(exp, t.traceId(), scorer).size()).sum();
    }

    @Test
    void everyCompleteTrace_isScoredOnce_withSourceVersionDurationAndRationale() {
        Vigil vigil = vigil(memory());
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(Scorers.code("length", in -> in.outputText().length())).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        List<Trace> traces = new TraceGenerator(1, exp.id()).traces(200);
        exp.log(traces);

        Await.until("200 assessments", () -> countFeedback(exp, traces, "length") == 200);
        for (Trace t : traces) {
            List<Assessment> fb = scorerFeedback(exp, t.traceId(), "length");
            assertThat(fb).hasSize(1);
            Assessment a = fb.get(0);
            assertThat(a.name()).isEqualTo("length");
            assertThat(a.source().type()).isEqualTo(AssessmentSourceType.CODE);
            assertThat(a.source().sourceId()).isEqualTo("length");
            assertThat(a.scorerVersion()).isEqualTo(1);
            assertThat(a.metadata()).containsKey(Assessment.METADATA_DURATION_MS);
            assertThat(((Number) a.feedback().value()).intValue()).isEqualTo(t.rootSpan().map(s -> {
                Object o = s.outputs();
                return o == null ? 0 : (o instanceof String str ? str : dev.vigil.spi.json.Json.write(o)).length();
            }).orElse(0));
        }
        Await.until("cursor committed", () -> vigil.engine().cursorLag() == 0);
        assertThat(vigil.stats().scorer("length").scored()).isEqualTo(200);
        assertThat(vigil.stats().tracesSeen()).isEqualTo(200);
    }

    @Test
    void aBatchDispatchedInSlices_isScoredOncePerPair_andTheCursorEndsPastTheWholeBatch() {
        Vigil vigil = vigil(memory(), b -> b.batchSize(5_000));
        ExperimentHandle exp = vigil.experiment("shop");
        for (String name : List.of("a", "b", "c")) {
            exp.scorers().register(Scorers.code(name, in -> true)).start(SamplingConfig.of(1.0));
        }
        // stored before the engine starts: its first read takes all 700 arrivals, several slices of pairs
        int n = 700;
        assertThat(n * 3).isGreaterThan(4 * ArrivalReader.SLICE_PAIRS);
        List<Trace> traces = new TraceGenerator(31, exp.id()).traces(n);
        exp.log(traces);
        vigil.startMonitoring();

        Await.until("every pair scored", () -> countFeedback(exp, traces, "a") + countFeedback(exp, traces, "b")
                + countFeedback(exp, traces, "c") == 3L * n);
        Await.until("idle", () -> vigil.engine().isIdle());
        for (Trace t : traces) {
            for (String name : List.of("a", "b", "c")) {
                assertThat(scorerFeedback(exp, t.traceId(), name)).hasSize(1);
            }
        }
        assertThat(vigil.engine().cursorLag()).isZero();
        assertThat(vigil.stats().tracesSeen()).isEqualTo(n);
        assertThat(vigil.stats().scorer("a").scored()).isEqualTo(n);
    }

    @Test
    void filterThenSample_scoresExactlyTheSampledMatchingPairs() {
        Vigil vigil = vigil(memory());
        ExperimentHandle exp = vigil.experiment("shop");
        String filter = "trace.status = 'OK'";
        exp.scorers().register(Scorers.code("ok_half", in -> true)).start(SamplingConfig.of(0.5, filter));
        exp.scorers().register(Scorers.code("all_tenth", in -> 1.0)).start(SamplingConfig.of(0.1));
        vigil.startMonitoring();
        List<Trace> traces = new TraceGenerator(7, exp.id()).errorRate(0.3).traces(1_000);
        exp.log(traces);

        TraceFilter f = TraceFilter.parse(filter);
        Sampler sampler = Sampler.defaultSampler();
        Set<String> expectedOk = new HashSet<>();
        Set<String> expectedTenth = new HashSet<>();
        for (Trace t : traces) {
            if (f.test(t) && sampler.keep(t.traceId(), "ok_half", 0.5)) {
                expectedOk.add(t.traceId());
            }
            if (sampler.keep(t.traceId(), "all_tenth", 0.1)) {
                expectedTenth.add(t.traceId());
            }
        }
        Await.until("sampled pairs scored", () -> countFeedback(exp, traces, "ok_half") == expectedOk.size()
                && countFeedback(exp, traces, "all_tenth") == expectedTenth.size());
        Await.until("cursor committed", () -> vigil.engine().cursorLag() == 0);
        Set<String> gotOk = new HashSet<>();
        Set<String> gotTenth = new HashSet<>();
        for (Trace t : traces) {
            if (!scorerFeedback(exp, t.traceId(), "ok_half").isEmpty()) {
                gotOk.add(t.traceId());
            }
            if (!scorerFeedback(exp, t.traceId(), "all_tenth").isEmpty()) {
                gotTenth.add(t.traceId());
            }
        }
        assertThat(gotOk).isEqualTo(expectedOk);
        assertThat(gotTenth).isEqualTo(expectedTenth);
        // errored traces fail the filter: none of them is scored by ok_half
        assertThat(traces.stream().filter(t -> t.info().state() == TraceState.ERROR)
                .noneMatch(t -> gotOk.contains(t.traceId()))).isTrue();
        assertThat(expectedTenth.size()).isBetween(60, 140);
    }

    @Test
    void inProgressTrace_isScoredOnlyOnceCompleted() {
        Vigil vigil = vigil(memory());
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(Scorers.code("len", in -> 1)).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        TraceGenerator gen = new TraceGenerator(3, exp.id());
        Trace done = gen.next();
        Trace complete = gen.next();
        Trace running = new Trace(complete.info().toBuilder().state(TraceState.IN_PROGRESS).build(),
                complete.spans());
        exp.log(List.of(running, done));
        Await.until("the complete trace scored", () -> scorerFeedback(exp, done.traceId(), "len").size() == 1);
        // the in-progress one was read in the same batch, before the complete one, and skipped
        assertThat(scorerFeedback(exp, running.traceId(), "len")).isEmpty();

        exp.log(complete);
        Await.until("the completed trace scored", () -> scorerFeedback(exp, complete.traceId(), "len").size() == 1);
    }

    @Test
    void settleDelay_holdsATraceUntilTheClockPassesIt() {
        Vigil vigil = vigil(memory(), b -> b.settleDelay(Duration.ofMinutes(5)));
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(Scorers.code("len", in -> 1)).start(SamplingConfig.of(1.0));
        TraceGenerator gen = new TraceGenerator(3, exp.id(), clock.instant().minus(Duration.ofHours(1)),
                Duration.ofSeconds(1));
        Trace old = gen.next();
        Trace fresh = new TraceGenerator(4, exp.id(), clock.instant(), Duration.ofSeconds(1)).next();
        exp.log(List.of(old, fresh));
        vigil.startMonitoring();
        Await.until("the settled trace scored", () -> scorerFeedback(exp, old.traceId(), "len").size() == 1);
        assertThat(scorerFeedback(exp, fresh.traceId(), "len")).isEmpty();

        clock.advance(Duration.ofMinutes(10));
        vigil.engine().wakeUp();
        Await.until("the fresh trace scored after the settle delay",
                () -> scorerFeedback(exp, fresh.traceId(), "len").size() == 1);
    }

    @Test
    void throwingAndGarbageScorers_becomeErrorFeedback_aHangingOneIsDeferred_andTheEngineGoesOn() {
        CountDownLatch hangStarted = new CountDownLatch(1);
        Vigil vigil = vigil(memory(), b -> b.scorerTimeout(Duration.ofSeconds(30)).drainTimeout(Duration.ofMillis(200)));
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("thrower", Scorer.Workload.CPU, in -> {
            throw new IllegalStateException("boom");
        })).start(SamplingConfig.of(1.0));
        exp.scorers().register(TestScorers.of("garbage", Scorer.Workload.CPU, in -> new Object()))
                .start(SamplingConfig.of(1.0));
        exp.scorers().register(TestScorers.of("hang", Scorer.Workload.IO, in -> {
            hangStarted.countDown();
            Thread.sleep(Duration.ofHours(1));
            return 1;
        })).start(SamplingConfig.of(1.0));
        exp.scorers().register(Scorers.code("fine", in -> true)).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        Trace t = new TraceGenerator(5, exp.id()).next();
        exp.log(t);

        Await.until("the healthy scorer's feedback", () -> scorerFeedback(exp, t.traceId(), "fine").size() == 1);
        Await.until("the thrower's error", () -> scorerFeedback(exp, t.traceId(), "thrower").size() == 1);
        Await.until("the garbage error", () -> scorerFeedback(exp, t.traceId(), "garbage").size() == 1);
        TestScorers.unchecked(() -> {
            hangStarted.await();
            return null;
        });
        assertThat(scorerFeedback(exp, t.traceId(), "hang")).isEmpty();
        // past the 30 s timeout and past the 60 s the default policy spends on immediate retries of an I/O
        // scorer's (transient) timeout, so it is not tried again now: deferred to the retry queue, no error row
        ticker.addAndGet(Duration.ofSeconds(61).toNanos());
        Await.until("the hang deferred", () -> vigil.store().retries().count(exp.id(), "hang", 1) == 1);

        Assessment thrown = scorerFeedback(exp, t.traceId(), "thrower").get(0);
        assertThat(thrown.feedback().error().code()).isEqualTo(FailureCodes.SCORER_EXCEPTION);
        assertThat(thrown.feedback().error().message()).contains("boom");
        assertThat(thrown.feedback().error().stackTrace()).contains("IllegalStateException");
        Assessment garbage = scorerFeedback(exp, t.traceId(), "garbage").get(0);
        assertThat(garbage.feedback().error().code()).isEqualTo(FailureCodes.INVALID_RETURN);
        assertThat(garbage.feedback().error().message()).contains("java.lang.Object");
        assertThat(scorerFeedback(exp, t.traceId(), "hang")).isEmpty();
        var hang = vigil.store().retries().list(exp.id(), "hang", 1, 1).get(0);
        assertThat(hang.lastKind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(hang.lastMessage()).contains("30000 ms");
        assertThat(scorerFeedback(exp, t.traceId(), "fine").get(0).feedback().value()).isEqualTo(true);
        assertThat(vigil.stats().scorer("thrower").failed()).isEqualTo(1);

        // and the engine goes on with the next trace
        Trace next = new TraceGenerator(6, exp.id()).next();
        exp.log(next);
        Await.until("next trace scored", () -> scorerFeedback(exp, next.traceId(), "fine").size() == 1);
    }

    @Test
    void rateLimitedJudge_isRetriedAfterRetryAfter_andStoresItsValue() {
        AtomicInteger calls = new AtomicInteger();
        Vigil vigil = vigil(memory(), b -> b.retry(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ofMinutes(5), 0.0)));
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.IO, in -> {
            if (calls.incrementAndGet() <= 2) {
                throw new JudgeException(FailureKind.RATE_LIMITED, "slow down", 429, Duration.ofSeconds(7));
            }
            return "yes";
        })).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        Trace t = new TraceGenerator(8, exp.id()).next();
        exp.log(t);
        Await.until("judge feedback", () -> scorerFeedback(exp, t.traceId(), "judge").size() == 1);
        Assessment a = scorerFeedback(exp, t.traceId(), "judge").get(0);
        assertThat(a.feedback().value()).isEqualTo("yes");
        assertThat(a.source().type()).isEqualTo(AssessmentSourceType.LLM_JUDGE);
        assertThat(calls.get()).isEqualTo(3);
        // each back-off honoured the 7 s Retry-After (exponential 100 ms, 200 ms would have been shorter)
        assertThat(pauses).filteredOn(d -> d.equals(Duration.ofSeconds(7))).hasSizeGreaterThanOrEqualTo(2);
        // adaptive: the provider's rate was halved twice, then climbs back by 5 % on the success
        assertThat(vigil.engine() != null).isTrue();
    }

    @Test
    void retryableFailures_areBoundedInAttempts_thenDeferredNotRecorded() {
        AtomicInteger calls = new AtomicInteger();
        Vigil vigil = vigil(memory(), b -> b.retry(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 0.0)));
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("flaky", Scorer.Workload.IO, in -> {
            calls.incrementAndGet();
            throw new JudgeException(FailureKind.OVERLOADED, "503 from upstream", 503, null);
        })).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        Trace t = new TraceGenerator(9, exp.id()).next();
        exp.log(t);
        Await.until("deferred", () -> vigil.store().retries().count(exp.id(), "flaky", 1) == 1);
        var pending = vigil.store().retries().list(exp.id(), "flaky", 1, 1).get(0);
        assertThat(pending.lastKind()).isEqualTo(FailureKind.OVERLOADED);
        assertThat(pending.lastMessage()).contains("after 4 attempts");
        assertThat(scorerFeedback(exp, t.traceId(), "flaky")).isEmpty();
        assertThat(calls.get()).isEqualTo(4);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void authFailures_failAtOnce_areDeferred_andPauseTheScorerWithAReason() {
        AtomicInteger calls = new AtomicInteger();
        Vigil vigil = vigil(memory(), b -> b.authFailuresBeforePause(3).maxInFlight(1));
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.IO, in -> {
            calls.incrementAndGet();
            throw new JudgeException(FailureKind.AUTH, "invalid api key", 401, null);
        })).start(SamplingConfig.of(1.0));
        exp.scorers().register(Scorers.code("fine", in -> true)).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        List<Trace> first = new TraceGenerator(10, exp.id()).traces(3);
        for (int i = 0; i < first.size(); i++) {
            exp.log(first.get(i));
            long n = i + 1;
            Await.until("auth failure " + n + " deferred",
                    () -> vigil.store().retries().count(exp.id(), "judge", 1) == n);
        }
        assertThat(calls.get()).isEqualTo(3); // no retries
        assertThat(pauses).isEmpty();
        ScorerStatus status = exp.scorerStatuses().get(new ScorerKey(exp.id(), "judge", 1));
        assertThat(status.state()).isEqualTo(ScorerStatus.State.PAUSED);
        assertThat(status.reason()).contains("3 consecutive authentication failures").contains("invalid api key");
        assertThat(scorerFeedback(exp, first.get(0).traceId(), "judge")).isEmpty();
        assertThat(vigil.store().retries().list(exp.id(), "judge", 1, 10))
                .allMatch(p -> p.lastKind() == FailureKind.AUTH);

        Trace later = new TraceGenerator(11, exp.id()).next();
        exp.log(later);
        Await.until("the other scorer goes on", () -> scorerFeedback(exp, later.traceId(), "fine").size() == 1);
        assertThat(scorerFeedback(exp, later.traceId(), "judge")).isEmpty();
        assertThat(calls.get()).isEqualTo(3);
        // read while paused: the pair waits for the resume
        Await.until("pair read while paused waits", () -> vigil.store().retries().count(exp.id(), "judge", 1) == 4);
    }

    @Test
    void stoppingAScorer_dropsItsWorkInFlight_andStopsNewWorkAtOnce() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Vigil vigil = vigil(memory());
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("slow", Scorer.Workload.IO, in -> {
            started.countDown();
            release.await();
            return 1;
        })).start(SamplingConfig.of(1.0));
        exp.scorers().register(Scorers.code("fine", in -> true)).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        Trace t = new TraceGenerator(12, exp.id()).next();
        exp.log(t);
        TestScorers.unchecked(() -> {
            started.await();
            return null;
        });
        exp.scorers().stop("slow");
        release.countDown();
        Trace next = new TraceGenerator(13, exp.id()).next();
        exp.log(next);
        Await.until("the other scorer done", () -> scorerFeedback(exp, next.traceId(), "fine").size() == 1
                && vigil.engine().queueDepth() == 0);
        assertThat(scorerFeedback(exp, t.traceId(), "slow")).isEmpty();
        assertThat(scorerFeedback(exp, next.traceId(), "slow")).isEmpty();
    }

    @Test
    void backpressure_boundsWorkInFlight_letsTheCursorLag_andDropsNothing() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        Vigil vigil = vigil(memory(), b -> b.maxInFlight(4).batchSize(10));
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("slow", Scorer.Workload.IO, in -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                release.await();
            } finally {
                concurrent.decrementAndGet();
            }
            return 1;
        })).start(SamplingConfig.of(1.0));
        List<Trace> traces = new TraceGenerator(14, exp.id()).traces(60);
        exp.log(traces);
        vigil.startMonitoring();
        Await.until("the in-flight bound reached", () -> vigil.engine().queueDepth() == 4);
        assertThat(vigil.engine().cursorLag()).isGreaterThan(0);
        assertThat(vigil.stats().queueDepth()).isEqualTo(4);
        release.countDown();
        Await.until("all 60 scored", () -> countFeedback(exp, traces, "slow") == 60);
        Await.until("cursor caught up", () -> vigil.engine().cursorLag() == 0);
        assertThat(maxConcurrent.get()).isLessThanOrEqualTo(4);
    }

    @Test
    void restart_resumesFromTheDurableCursor_withoutRescoring() {
        Store store = memory();
        AtomicInteger runs = new AtomicInteger();
        Scorer counting = TestScorers.of("counting", Scorer.Workload.CPU, in -> runs.incrementAndGet());
        List<Trace> traces = new TraceGenerator(15, "0").traces(0);
        Vigil first = vigil(store);
        ExperimentHandle exp = first.experiment("shop");
        exp.scorers().register(counting).start(SamplingConfig.of(1.0));
        List<Trace> batch1 = new TraceGenerator(16, exp.id()).traces(30);
        exp.log(batch1);
        first.startMonitoring();
        Await.until("batch 1 scored", () -> countFeedback(exp, batch1, "counting") == 30);
        first.close();
        assertThat(store.jobs().cursor(MonitoringEngine.cursorName(1, 0))).isPresent();

        List<Trace> batch2 = new TraceGenerator(17, exp.id()).traces(20);
        store.traces().put(batch2); // written by "another process" while no engine runs
        Vigil second = vigil(store);
        ExperimentHandle exp2 = second.experiment("shop");
        // the live instance is registered in this process's registry again under the same version
        second.engine().refreshScorers(exp2.id());
        second.startMonitoring();
        Await.until("batch 2 waits for a process that can build the scorer",
                () -> store.retries().count(exp2.id(), "counting", 1) == 20);
        assertThat(countFeedback(exp2, batch2, "counting")).isZero();
        assertThat(countFeedback(exp2, batch1, "counting")).isEqualTo(30);
        assertThat(traces).isEmpty();
        // batch 2 by the restarted engine: the lambda cannot be rebuilt there, so its pairs wait in the retry queue
        // for a process that can; and batch 1 was not scored again
        assertThat(runs.get()).isEqualTo(30);
    }

    @Test
    void close_drainsScorerRunsInFlight() throws Exception {
        CountDownLatch started = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        Vigil vigil = vigil(memory());
        ExperimentHandle exp = vigil.experiment("shop");
        exp.scorers().register(TestScorers.of("slow", Scorer.Workload.IO, in -> {
            started.countDown();
            release.await();
            return 1;
        })).start(SamplingConfig.of(1.0));
        List<Trace> traces = new TraceGenerator(18, exp.id()).traces(3);
        exp.log(traces);
        vigil.startMonitoring();
        started.await();
        Thread closer = Thread.ofPlatform().start(vigil::close);
        release.countDown();
        closer.join(Duration.ofSeconds(30));
        assertThat(closer.isAlive()).isFalse();
        Store store = vigil.store();
        for (Trace t : traces) {
            assertThat(store.assessments().listByTrace(t.traceId())).hasSize(1);
        }
        assertThat(store.jobs().cursor(MonitoringEngine.cursorName(1, 0)).orElse(0)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void partitions_areSpreadBetweenEngines_andEachPairScoredOnce() {
        Store store = memory();
        Vigil a = vigil(store, b -> b.partitions(4).engineId("a"));
        Vigil b = vigil(store, bb -> bb.partitions(4).engineId("b"));
        ExperimentHandle exp = a.experiment("shop");
        exp.scorers().register(Scorers.ofClass("length", TestScorers.OutputLength.class)).start(SamplingConfig.of(1.0));
        a.startMonitoring();
        b.startMonitoring();
        List<Trace> traces = new TraceGenerator(19, exp.id()).traces(300);
        exp.log(traces);
        b.engine().wakeUp();
        Await.until("all scored", () -> countFeedback(exp, traces, "length") == 300);
        for (Trace t : traces) {
            assertThat(scorerFeedback(exp, t.traceId(), "length")).hasSize(1);
        }
        // lease upkeep runs on the injected ticker: advance it and let both engines rebalance
        Await.until("partitions spread", () -> {
            ticker.addAndGet(Duration.ofSeconds(2).toNanos());
            a.engine().wakeUp();
            b.engine().wakeUp();
            return a.engine().heldPartitions().size() == 2 && b.engine().heldPartitions().size() == 2;
        }, () -> a.engine().heldPartitions() + " / "
                + b.engine().heldPartitions());
        Set<Integer> all = new HashSet<>(a.engine().heldPartitions());
        all.addAll(b.engine().heldPartitions());
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3);
    }
}
