package dev.vigil.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kill switch across engines: a scorer stopped through another process's registry (as {@code vigil scorers
 * stop} does) gets no new calls on an engine that did not see the stop itself, once one second has passed on that
 * engine's ticker. Time is the engine's injected ticker, so the bound is checked exactly, not by wall time.
 */
class KillSwitchTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // hang guard only
    void aScorerStoppedElsewhere_getsNoCallStartedOneSecondLater_onAnotherEngine() {
        MutableClock clock = MutableClock.atDefaultStart();
        AtomicLong ticker = new AtomicLong(1_000_000_000L);
        AtomicInteger judgeCalls = new AtomicInteger();
        try (Store store = Stores.open("memory:", StoreOptions.withClock(clock));
                Vigil engine = Vigil.builder().store(store).clock(clock).ticker(ticker::get)
                        .pollInterval(Duration.ofMillis(20)).leaseTtl(Duration.ofSeconds(5)).build();
                Vigil admin = Vigil.builder().store(store).clock(clock).build()) {
            ExperimentHandle exp = engine.experiment("kill");
            exp.scorers().register(TestScorers.of("costly", Scorer.Workload.CPU, in -> {
                judgeCalls.incrementAndGet();
                return true;
            })).start(SamplingConfig.of(1.0));
            exp.scorers().register(TestScorers.of("witness", Scorer.Workload.CPU, in -> true))
                    .start(SamplingConfig.of(1.0));
            engine.startMonitoring();
            TraceGenerator gen = new TraceGenerator(3, exp.id());
            Trace before = gen.next();
            exp.log(before);
            Await.until("first trace scored by both", () -> feedback(exp, before, "costly") == 1
                    && feedback(exp, before, "witness") == 1);
            int callsBeforeStop = judgeCalls.get();

            // another process stops it through the store (this engine's registry is not told)
            admin.experiment("kill").scorers().get("costly").stop();
            ticker.addAndGet(Duration.ofSeconds(1).toNanos() + 1);

            Trace after = gen.next();
            exp.log(after);
            engine.engine().wakeUp();
            Await.until("the trace after the stop read by the engine", () -> feedback(exp, after, "witness") == 1);
            assertThat(feedback(exp, after, "costly")).as("no feedback from the stopped scorer").isZero();
            assertThat(judgeCalls.get()).as("no call started after the stop").isEqualTo(callsBeforeStop);
        }
    }

    private static long feedback(ExperimentHandle exp, Trace t, String scorer) {
        return exp.assessments(t.traceId()).stream().filter(a -> scorer.equals(a.scorerName())).count();
    }
}
