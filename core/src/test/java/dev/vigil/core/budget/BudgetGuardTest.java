package dev.vigil.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.backfill.BackfillProgress;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.BudgetUsage;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Budgets through a Vigil on the memory store: STOP skips without assessments, raising resumes, ALERT at 80/100 %. */
class BudgetGuardTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private MutableClock clock;
    private Store store;
    private Vigil vigil;
    private ExperimentHandle exp;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<BudgetAlert> alerts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        vigil = Vigil.builder().store(store).clock(clock).pollInterval(Duration.ofMillis(20))
                .providerLimit("fakeai", new ProviderLimit(1, 1000.0)).budgetAlerts(alerts::add).build();
        exp = vigil.experiment("budgets");
    }

    @AfterEach
    void tearDown() {
        vigil.close();
        store.close();
    }

    private Scorer judge(String name) {
        return new Scorer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Object score(ScorerInput input) {
                calls.incrementAndGet();
                return Feedback.of("yes").withMetadata(Map.of(JudgeUsage.INPUT_TOKENS, "70",
                        JudgeUsage.OUTPUT_TOKENS, "30", JudgeUsage.COST_USD, "0.001"));
            }

            @Override
            public ScorerDefinition definition() {
                return new ScorerDefinition("java", Map.of("lambda", "budget-guard-" + name));
            }

            @Override
            public Workload workload() {
                return Workload.IO;
            }

            @Override
            public AssessmentSource source() {
                return AssessmentSource.llmJudge("fakeai:/judge");
            }
        };
    }

    private long feedback(List<Trace> traces, String scorer) {
        return traces.stream().mapToLong(t -> exp.assessments(t.traceId()).stream()
                .filter(a -> scorer.equals(a.scorerName())).count()).sum();
    }

    private BudgetUsage usage(String budget) {
        return store.budgets().usage(exp.id(), budget, BudgetPeriod.DAY.start(clock.instant()));
    }

    @Test
    void stopBudget_skipsCallsPastTheLimitWithoutAssessments_andRaisingItResumes() {
        store.budgets().put(new Budget(exp.id(), "daily", "safety", BudgetPeriod.DAY, 300, 0, BudgetAction.STOP, T0));
        exp.scorers().registerOrGet(judge("safety")).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        List<Trace> first = new TraceGenerator(1, exp.id(), T0.minusSeconds(600), Duration.ofSeconds(1)).traces(8);
        exp.log(first);
        await("8 traces called or skipped", () -> usage("daily").calls() + usage("daily").skipped() == 8
                && vigil.stats().scorer("safety").failed() + vigil.stats().scorer("safety").scored() == 8);

        assertThat(calls.get()).isEqualTo(3);
        assertThat(usage("daily").spentTokens()).isEqualTo(300);
        assertThat(usage("daily").skipped()).isEqualTo(5);
        assertThat(feedback(first, "safety")).as("skips leave no assessment").isEqualTo(3);
        assertThat(vigil.stats().scorer("safety").failed()).as("skips counted as BUDGET_EXCEEDED").isEqualTo(5);

        store.budgets().put(new Budget(exp.id(), "daily", "safety", BudgetPeriod.DAY, 500, 0, BudgetAction.STOP, T0));
        List<Trace> more = new TraceGenerator(2, exp.id(), T0.minusSeconds(300), Duration.ofSeconds(1)).traces(4);
        exp.log(more);
        await("4 more traces called or skipped", () -> usage("daily").calls() + usage("daily").skipped() == 12
                && vigil.stats().scorer("safety").failed() + vigil.stats().scorer("safety").scored() == 12);
        assertThat(calls.get()).as("raised by two calls' worth").isEqualTo(5);
        assertThat(feedback(more, "safety")).isEqualTo(2);
    }

    @Test
    void aBackfill_isHeldToTheBudgetToo() throws Exception {
        store.budgets().put(new Budget(exp.id(), "all-judges", null, BudgetPeriod.DAY, 0, 0.004, BudgetAction.STOP,
                T0));
        exp.scorers().registerOrGet(judge("relevance")).start(SamplingConfig.of(1.0));
        List<Trace> old = new TraceGenerator(3, exp.id(), T0.minus(Duration.ofDays(2)), Duration.ofSeconds(1))
                .traces(10);
        exp.log(old);
        String job = exp.backfill(T0.minus(Duration.ofDays(3)), T0, "relevance");
        BackfillProgress p = vigil.backfills().await(job, Duration.ofMinutes(5));
        assertThat(p.status().name()).isEqualTo("SUCCEEDED");
        assertThat(calls.get()).isEqualTo(4);
        assertThat(feedback(old, "relevance")).isEqualTo(4);
        assertThat(usage("all-judges").spentUsd()).isEqualTo(0.004);
        assertThat(usage("all-judges").skipped()).isEqualTo(6);
    }

    @Test
    void alertBudget_letsCallsGoOn_andAlertsOnceAt80AndOnceAt100Percent() {
        store.budgets().put(new Budget(exp.id(), "watch", null, BudgetPeriod.DAY, 500, 0, BudgetAction.ALERT, T0));
        exp.scorers().registerOrGet(judge("safety")).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        List<Trace> traces = new TraceGenerator(4, exp.id(), T0.minusSeconds(600), Duration.ofSeconds(1)).traces(7);
        exp.log(traces);
        await("7 calls settled and stored", () -> usage("watch").calls() == 7 && feedback(traces, "safety") == 7);

        assertThat(calls.get()).isEqualTo(7);
        assertThat(alerts).extracting(BudgetAlert::percent).containsExactly(80, 100);
        assertThat(alerts.get(0).id()).endsWith("-80");
        assertThat(alerts.get(1).describe()).contains("budget 'watch'", "reached 100 %", "of 500 tokens");
        assertThat(usage("watch").alertedPercent()).isEqualTo(100);
    }

    private static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 3 minutes: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
