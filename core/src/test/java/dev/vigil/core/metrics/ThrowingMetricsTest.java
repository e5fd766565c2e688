package dev.vigil.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.internal.Await;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class ThrowingMetricsTest {

    /** A user's metrics sink whose every callback throws. */
    static final class Broken implements EngineMetrics {
        final AtomicInteger calls = new AtomicInteger();

        private void boom() {
            calls.incrementAndGet();
            throw new IllegalStateException("user metrics bug");
        }

        @Override public void traceSeen(String experimentId) { boom(); }
        @Override public void sampled(String scorer) { boom(); }
        @Override public void scored(String scorer, long durationNanos) { boom(); }
        @Override public void failed(String scorer, String code) { boom(); }
        @Override public void bindGauges(LongSupplier queueDepth, LongSupplier cursorLag) { boom(); }
    }

    @Test
    void metricsCallbackThatThrows_neverStallsScoring() {
        Broken broken = new Broken();
        try (Vigil vigil = Vigil.builder().store("memory:").metrics(broken).pollInterval(Duration.ofMillis(20))
                .build()) {
            ExperimentHandle exp = vigil.experiment("shop");
            exp.scorers().register(Scorers.code("ok", in -> true)).start(SamplingConfig.of(1.0));
            vigil.startMonitoring();
            exp.log(new TraceGenerator(3, exp.id()).traces(20));
            Await.until("20 traces scored despite the throwing sink", () -> vigil.stats().scorer("ok").scored() == 20);
            exp.log(new TraceGenerator(4, exp.id()).traces(5));
            Await.until("and later ones too", () -> vigil.stats().scorer("ok").scored() == 25);
            assertThat(vigil.stats().tracesSeen()).isEqualTo(25);
            assertThat(broken.calls.get()).isGreaterThanOrEqualTo(25);
        }
    }
}
