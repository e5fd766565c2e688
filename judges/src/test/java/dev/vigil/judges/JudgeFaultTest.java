package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.ScorerHealth;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import dev.vigil.testkit.http.AnthropicWire;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import dev.vigil.testkit.http.ScriptedReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reliability layer end to end, over real HTTP on loopback: LLM judges score 2,000 traces through the
 * monitoring engine while one provider answers a 429 storm with Retry-After, 5xx bursts, hanging connections,
 * resets, garbage bodies, content refusals and then 401s until its key is rotated; the other provider answers
 * normally. At the end every (trace, scorer, version) pair has exactly one assessment, no transient fault became an
 * error assessment, the 401s paused the scorer and resuming it scored the pairs it missed, and the other provider's
 * scorer never failed and never waited in the retry queue.
 *
 * <p>Time: the store, the engine, the breaker and the retry queue run on an injected clock and ticker that a driver
 * thread moves 1 s every 50 ms of real time (the phases below are in that virtual time), so the 30 s Retry-After,
 * the 30 s breaker and the retry queue's back-off pass without real waiting. Nothing asserts on elapsed time; the
 * test waits for conditions with a generous deadline.
 */
class JudgeFaultTest {

    private static final String YES = "{\"rationale\": \"Fine.\", \"result\": \"yes\"}";
    private static final Set<String> TRANSIENT_CODES = Set.of(FailureKind.RATE_LIMITED.name(),
            FailureKind.OVERLOADED.name(), FailureKind.TIMEOUT.name(), FailureKind.CONNECTION.name(),
            FailureKind.AUTH.name());

    private final MutableClock clock = MutableClock.atDefaultStart();
    private final AtomicLong ticker = new AtomicLong(1_000_000_000L);
    private final AtomicLong virtualSeconds = new AtomicLong();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private volatile boolean driving = true;

    @AfterEach
    void close() throws Exception {
        driving = false;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES) // a hang guard only
    void faultyProvider_everyPairScoredExactlyOnce_noTransientFaultStoredAsAnError() throws Exception {
        ScriptedHttpServer openai = ScriptedHttpServer.start().recordRequests(false);
        ScriptedHttpServer anthropic = ScriptedHttpServer.start().recordRequests(false);
        toClose.add(openai);
        toClose.add(anthropic);
        OpenAiWire oa = new OpenAiWire();
        AnthropicWire an = new AnthropicWire();
        openai.fallback(oa.rateLimited(30)); // phase 1, virtual [0 s, 30 s): a 429 storm with Retry-After 30 s
        anthropic.fallback(an.answer(YES));

        JudgeRuntime runtime = JudgeRuntime.builder().cache(false).timeout(Duration.ofSeconds(1))
                .environment(Map.of("OPENAI_BASE_URL", openai.baseUri() + "/v1", "OPENAI_API_KEY", "sk-test",
                        "ANTHROPIC_BASE_URL", anthropic.baseUri().toString(), "ANTHROPIC_API_KEY", "sk-ant-test"))
                .build();
        LlmJudge safety = Judges.safety().model("openai:/gpt-4o-mini").runtime(runtime).build();
        LlmJudge english = Judges.guidelines("english", List.of("The response must be in English"))
                .model("anthropic:/claude-sonnet-4-5").runtime(runtime).build();

        Store store = Stores.open("memory:", StoreOptions.withClock(clock));
        toClose.add(store);
        Vigil vigil = Vigil.builder().store(store).clock(clock).ticker(ticker::get).pauser(d -> { })
                .pollInterval(Duration.ofMillis(20)).leaseTtl(Duration.ofMinutes(30))
                .scorerTimeout(Duration.ofMinutes(10))
                .retry(new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10), 0.5))
                .retryFirstDelay(Duration.ofSeconds(30)).retryMaxDelay(Duration.ofMinutes(2))
                .authFailuresBeforePause(3)
                // a high configured rate, so that the halvings of the storm leave a usable rate (the token bucket
                // runs on real time)
                .providerLimit("openai", new ProviderLimit(4, 1_000_000))
                .providerLimit("anthropic", new ProviderLimit(4, 1_000_000))
                .build();
        toClose.add(vigil);
        ExperimentHandle exp = vigil.experiment("faults");
        exp.scorers().register(safety).start(SamplingConfig.of(1.0));
        exp.scorers().register(english).start(SamplingConfig.of(1.0));
        List<Trace> traces = new ArrayList<>(new TraceGenerator(41, exp.id()).traces(1_000));
        vigil.startMonitoring();
        exp.log(traces);
        // virtual time starts with the first call, so that the storm's 30 s are seen whatever the start-up took
        awaitCondition("the first call", () -> openai.requestCount() > 0);
        Thread driver = Thread.ofPlatform().daemon().name("virtual-time").start(() -> {
            while (driving) {
                clock.advance(Duration.ofSeconds(1));
                ticker.addAndGet(Duration.ofSeconds(1).toNanos());
                virtualSeconds.incrementAndGet();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        toClose.add(driver::interrupt);

        // phase 2, virtual [30 s, 120 s): the storm ends; 5xx bursts, hanging connections, resets, garbage bodies
        // and content refusals among normal answers
        awaitVirtual(30);
        long beforeFaults = openai.requestCount();
        List<ScriptedReply> faults = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            faults.add(oa.serverError(500));
            faults.add(oa.serverError(503));
            faults.add(ScriptedReply.reset());
            faults.add(ScriptedReply.json("<html>502 Bad Gateway</html> not json"));
            faults.add(oa.refusal());
        }
        for (int i = 0; i < 5; i++) {
            faults.add(oa.answer(YES).delayedBy(Duration.ofSeconds(3))); // hangs past the 1 s call timeout
        }
        Collections.shuffle(faults, new Random(7));
        for (int burst = 0; burst < faults.size(); burst += 5) {
            // in bursts of 5, each followed by normal answers
            openai.enqueue(faults.subList(burst, Math.min(faults.size(), burst + 5)).toArray(ScriptedReply[]::new));
            for (int k = 0; k < 5; k++) {
                openai.enqueue(oa.answer(YES));
            }
        }
        openai.fallback(oa.answer(YES));

        // phase 3, virtual [120 s, …): the key expired (401) while another 1,000 traces arrive
        awaitVirtual(120);
        openai.fallback(oa.unauthorized());
        List<Trace> more = new TraceGenerator(42, exp.id()).traces(1_000);
        traces.addAll(more);
        exp.log(more);
        ScorerKey key = new ScorerKey(exp.id(), "safety", 1);
        awaitCondition("the 401s pause the scorer", () -> health(vigil, exp, "safety").state()
                == ScorerHealth.State.PAUSED);
        ScorerHealth paused = health(vigil, exp, "safety");
        assertThat(paused.reason()).contains("authentication");
        assertThat(paused.failuresByKind().getOrDefault(FailureKind.AUTH, 0L)).isGreaterThanOrEqualTo(3L);

        // the key is rotated, then the scorer resumed: its pending pairs are due at once
        awaitVirtual(150);
        openai.fallback(oa.answer(YES));
        assertThat(vigil.engine().resume(key)).isTrue();

        List<String> ids = traces.stream().map(Trace::traceId).toList();
        awaitCondition("every pair scored and the retry queue empty", () ->
                store.assessments().tracesScoredBy("safety", 1, ids).size() == ids.size()
                        && store.assessments().tracesScoredBy("english", 1, ids).size() == ids.size()
                        && store.retries().count(exp.id(), "safety", 1) == 0
                        && store.retries().count(exp.id(), "english", 1) == 0, () -> "safety scored "
                        + store.assessments().tracesScoredBy("safety", 1, ids).size() + ", english scored "
                        + store.assessments().tracesScoredBy("english", 1, ids).size() + ", pending "
                        + store.retries().list(exp.id(), "safety", 1, 3) + " of "
                        + store.retries().count(exp.id(), "safety", 1) + "; health " + vigil.scorerHealth(exp.id())
                        + "; virtual s " + virtualSeconds.get() + "; requests " + openai.requestCount()
                        + "; held " + vigil.engine().heldPartitions() + "; queue " + vigil.engine().queueDepth()
                        + "; stats " + vigil.stats());
        assertThat(vigil.awaitIdle(Duration.ofMinutes(2))).isTrue();

        // exactly one assessment per (trace, scorer, version); errors only from permanent failures
        Map<String, Integer> errorCodes = new HashMap<>();
        for (Trace t : traces) {
            List<Assessment> all = exp.assessments(t.traceId());
            for (String scorer : List.of("safety", "english")) {
                List<Assessment> mine = all.stream().filter(a -> scorer.equals(a.scorerName())).toList();
                assertThat(mine).as("%s on %s", scorer, t.traceId()).hasSize(1);
                Assessment a = mine.get(0);
                assertThat(a.metadata()).containsEntry(Assessment.METADATA_SCORER_VERSION, "1");
                if (a.feedback().error() != null) {
                    errorCodes.merge(scorer + ":" + a.feedback().error().code(), 1, Integer::sum);
                }
            }
        }
        assertThat(errorCodes.keySet()).as("error assessments").allSatisfy(code -> {
            assertThat(code).startsWith("safety:");
            assertThat(TRANSIENT_CODES).doesNotContain(code.substring("safety:".length()));
        });
        // every refusal reached a pair and ended as its (permanent) error
        assertThat(errorCodes.getOrDefault("safety:" + FailureKind.CONTENT_REFUSED.name(), 0)).isBetween(1, 10);
        assertThat(openai.requestCount() - beforeFaults).as("the scripted faults were all served")
                .isGreaterThanOrEqualTo(faults.size());

        ScorerHealth safetyHealth = health(vigil, exp, "safety");
        assertThat(safetyHealth.state()).isEqualTo(ScorerHealth.State.RUNNING);
        assertThat(safetyHealth.failuresByKind().getOrDefault(FailureKind.RATE_LIMITED, 0L)).isPositive();
        assertThat(safetyHealth.pendingRetries()).isZero();
        // the other provider was neither slowed into failures nor deferred: one call per pair, all answered
        ScorerHealth englishHealth = health(vigil, exp, "english");
        assertThat(englishHealth.failuresByKind()).isEmpty();
        assertThat(englishHealth.lastErrorAt()).isNull();
        assertThat(anthropic.requestCount()).isGreaterThanOrEqualTo(ids.size());
    }

    private static ScorerHealth health(Vigil vigil, ExperimentHandle exp, String name) {
        return vigil.scorerHealth(exp.id()).stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    private void awaitVirtual(long seconds) {
        awaitCondition("virtual time " + seconds + " s", () -> virtualSeconds.get() >= seconds);
    }

    private static void awaitCondition(String what, BooleanSupplier condition) {
        awaitCondition(what, condition, () -> "");
    }

    private static void awaitCondition(String what, BooleanSupplier condition,
            java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + "; state: " + state.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
