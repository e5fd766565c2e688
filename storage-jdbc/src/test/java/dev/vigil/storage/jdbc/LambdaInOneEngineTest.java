package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #13's availability case: three engines (each with its own connection pool and scorer registry, as three
 * processes would have) share one PostgreSQL database, and a lambda scorer is registered in only one of them. The
 * two that cannot build it do not score it (no error assessment): their pairs go to the retry queue due at once,
 * and the engine that can build it scores them, so every trace ends with exactly one assessment.
 */
class LambdaInOneEngineTest {

    private static final int ENGINES = 3;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // hang guard only
    void threeEnginesOnPostgres_lambdaInOnlyOne_everyTraceScoredExactlyOnce_noErrors() throws Exception {
        String url = TestDatabases.newUrl(Dialect.POSTGRESQL);
        List<Vigil> engines = new ArrayList<>();
        try {
            for (int i = 0; i < ENGINES; i++) {
                JdbcStore store = JdbcStore.open(url, new StoreOptions(java.time.Clock.systemUTC(),
                        Map.of("pool.size", "4")));
                engines.add(Vigil.builder().store(store).engineId("engine-" + i).partitions(ENGINES)
                        .leaseTtl(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).build());
            }
            Vigil owner = engines.get(0);
            ExperimentHandle exp = owner.experiment("lambdas");
            exp.scorers().registerOrGet(Scorers.code("short", in -> in.outputText().length() < 200))
                    .start(SamplingConfig.of(1.0));
            for (Vigil v : engines) {
                v.experiment("lambdas");
                v.startMonitoring();
            }
            await("each engine holds one partition", () -> engines.stream()
                    .allMatch(v -> v.engine().heldPartitions().size() == 1));
            List<Trace> traces = new TraceGenerator(41, exp.id()).traces(300);
            exp.log(traces);

            await("every trace scored", () -> traces.stream().allMatch(t -> feedback(exp, t).size() == 1));
            await("the retry queue empty", () -> owner.store().retries().count(exp.id(), "short", 1) == 0);

            for (Trace t : traces) {
                List<Assessment> f = feedback(exp, t);
                assertThat(f).as(t.traceId()).hasSize(1);
                assertThat(f.get(0).feedback().error()).as("no error assessment for a scorer missing elsewhere")
                        .isNull();
            }
            long scoredByOwner = owner.stats().scorer("short").scored();
            // at least once per trace: a partition handed over mid-stream may run a pair twice (stored once)
            assertThat(scoredByOwner).as("only the engine that can build the lambda scores it")
                    .isGreaterThanOrEqualTo(traces.size());
            for (int i = 1; i < ENGINES; i++) {
                assertThat(engines.get(i).stats().scorer("short").scored()).isZero();
                assertThat(engines.get(i).stats().scorer("short").failed()).isZero();
            }
        } finally {
            for (Vigil v : engines) {
                v.close();
                v.store().close();
            }
        }
    }

    private static List<Assessment> feedback(ExperimentHandle exp, Trace t) {
        return exp.assessments(t.traceId()).stream().filter(a -> "short".equals(a.scorerName())).toList();
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
