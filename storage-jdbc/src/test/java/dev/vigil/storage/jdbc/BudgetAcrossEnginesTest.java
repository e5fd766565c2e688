package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.budget.BudgetGuard;
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
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three engines (each with its own connection pool, as three processes would have) share one PostgreSQL database
 * and a judge scorer with a daily STOP budget of ten calls' worth: together they make at most ten calls plus one
 * in-flight call per engine, the rest are skipped as BUDGET_EXCEEDED without any assessment, and the next day
 * calls resume.
 */
class BudgetAcrossEnginesTest {

    private static final double CALL_USD = 0.01;
    private static final int CALLS_IN_BUDGET = 10;
    private static final int ENGINES = 3;
    private static final Instant DAY1 = Instant.parse("2026-03-02T09:00:00Z");

    /** A judge (source LLM_JUDGE, I/O-bound) that reports 100 tokens and $0.01 per call, like LlmJudge does. */
    private static Scorer judge(AtomicInteger calls) {
        return new Scorer() {
            @Override
            public String name() {
                return "safety";
            }

            @Override
            public Object score(ScorerInput input) throws Exception {
                calls.incrementAndGet();
                Thread.sleep(5); // a call takes a moment, so engines overlap
                return Feedback.of("yes").withMetadata(Map.of(JudgeUsage.INPUT_TOKENS, "80",
                        JudgeUsage.OUTPUT_TOKENS, "20", JudgeUsage.COST_USD, "0.01000000"));
            }

            @Override
            public ScorerDefinition definition() {
                return new ScorerDefinition("java", Map.of("lambda", "budget-test-safety"));
            }

            @Override
            public Workload workload() {
                return Workload.IO;
            }

            @Override
            public AssessmentSource source() {
                return AssessmentSource.llmJudge("fakeai:/judge-1");
            }
        };
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // hang guard only
    void threeEnginesOnPostgres_stopWithinOneInFlightCallPerEngine_andResumeTheNextDay() throws Exception {
        String url = TestDatabases.newUrl(Dialect.POSTGRESQL);
        MutableClock clock = new MutableClock(DAY1);
        AtomicInteger calls = new AtomicInteger();
        List<Vigil> engines = new ArrayList<>();
        try {
            for (int i = 0; i < ENGINES; i++) {
                JdbcStore store = JdbcStore.open(url, new StoreOptions(java.time.Clock.systemUTC(),
                        Map.of("pool.size", "4")));
                engines.add(Vigil.builder().store(store).clock(clock).engineId("engine-" + i).partitions(ENGINES)
                        .leaseTtl(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .providerLimit("fakeai", new ProviderLimit(1, 1000.0)).build());
            }
            Vigil first = engines.get(0);
            ExperimentHandle exp = first.experiment("budgets");
            first.store().budgets().put(new Budget(exp.id(), "safety-daily", "safety", BudgetPeriod.DAY, 0,
                    CALL_USD * CALLS_IN_BUDGET, BudgetAction.STOP, DAY1));
            for (Vigil v : engines) {
                v.experiment("budgets").scorers().registerOrGet(judge(calls)).start(SamplingConfig.of(1.0));
                v.startMonitoring();
            }
            // traces arrive once the partitions are shared out: a partition handed over mid-stream is re-read from
            // its committed cursor by its new owner, and a re-read refused call counts as a second skip
            await("each engine holds one partition", () -> engines.stream()
                    .allMatch(v -> v.engine().heldPartitions().size() == 1));
            List<Trace> day1 = new TraceGenerator(17, exp.id(), DAY1.minusSeconds(600), Duration.ofSeconds(1))
                    .traces(60);
            exp.log(day1);

            Instant period1 = BudgetPeriod.DAY.start(DAY1);
            await("every day-1 trace called or skipped", () -> {
                BudgetUsage u = first.store().budgets().usage(exp.id(), "safety-daily", period1);
                return u.calls() + u.skipped() >= day1.size() && u.reservedNanoUsd() == 0;
            });
            BudgetUsage u1 = first.store().budgets().usage(exp.id(), "safety-daily", period1);
            int made = calls.get();
            assertThat(made).as("judge calls made on day 1").isBetween(CALLS_IN_BUDGET, CALLS_IN_BUDGET + ENGINES);
            assertThat(u1.calls()).isEqualTo(made);
            assertThat(u1.spentNanoUsd()).isEqualTo(BudgetUsage.toNanoUsd(CALL_USD) * made);
            assertThat(u1.skipped()).isEqualTo(day1.size() - made);
            long feedback = day1.stream().mapToLong(t -> exp.assessments(t.traceId()).stream()
                    .filter(a -> "safety".equals(a.scorerName())).count()).sum();
            assertThat(feedback).as("only calls made leave an assessment; skips leave none").isEqualTo(made);
            long budgetErrors = day1.stream().flatMap(t -> exp.assessments(t.traceId()).stream())
                    .filter(a -> a.feedback() != null && a.feedback().error() != null).count();
            assertThat(budgetErrors).as("no error assessment for a skipped call").isZero();
            long failedInStats = 0;
            for (Vigil v : engines) {
                failedInStats += v.stats().scorer("safety").failed();
            }
            assertThat(failedInStats).as("the skips, counted under " + BudgetGuard.BUDGET_EXCEEDED)
                    .isEqualTo(day1.size() - made);

            // the period rolls over: calls resume
            clock.set(DAY1.plus(Duration.ofDays(1)));
            List<Trace> day2 = new TraceGenerator(18, exp.id(), DAY1.plus(Duration.ofDays(1)), Duration.ofSeconds(1))
                    .traces(5);
            exp.log(day2);
            Instant period2 = BudgetPeriod.DAY.start(clock.instant());
            await("day-2 traces scored", () -> first.store().budgets().usage(exp.id(), "safety-daily", period2)
                    .calls() == day2.size());
            assertThat(calls.get()).isEqualTo(made + day2.size());
        } finally {
            for (Vigil v : engines) {
                v.close();
                v.store().close();
            }
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 minutes: " + what);
            }
            Thread.sleep(50);
        }
    }
}
