package dev.vigil.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.aggregate.Bucket;
import dev.vigil.core.aggregate.BucketStats;
import dev.vigil.core.engine.internal.Await;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.internal.TestScorers;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VigilTest {

    @Test
    void builder_withoutAStore_saysWhichToSet() {
        assertThatThrownBy(() -> Vigil.builder().build()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("store(\"memory:\")");
    }

    @Test
    void builder_rejectsAUriAndAStoreTogether() {
        try (var store = dev.vigil.spi.store.Stores.open("memory:")) {
            assertThatThrownBy(() -> Vigil.builder().store("memory:").store(store))
                    .hasMessageContaining("either a URI or a store");
        }
    }

    @Test
    void builder_rejectsAnUnknownSchemeListingTheKnownOnes() {
        assertThatThrownBy(() -> Vigil.builder().store("nosuch:thing").build()).hasMessageContaining("memory");
    }

    @Test
    void log_ofAnotherExperimentsTrace_isRejectedAndNothingStored() {
        try (Vigil vigil = Vigil.builder().store("memory:").build()) {
            ExperimentHandle a = vigil.experiment("a");
            ExperimentHandle b = vigil.experiment("b");
            Trace foreign = new TraceGenerator(1, b.id()).next();
            assertThatThrownBy(() -> a.log(List.of(new TraceGenerator(2, a.id()).next(), foreign)))
                    .hasMessageContaining("belongs to experiment " + b.id());
            assertThat(vigil.store().traces().count(a.id())).isZero();
        }
    }

    @Test
    void aggregate_overMonitoredFeedback_givesCountsPassRateAndAPopulationInterval() {
        MutableClock clock = MutableClock.atDefaultStart();
        try (Vigil vigil = Vigil.builder().store("memory:").clock(clock).pollInterval(Duration.ofMillis(20))
                .build()) {
            ExperimentHandle exp = vigil.experiment("shop");
            exp.scorers().register(Scorers.code("short", in -> in.outputText().length() < 400 ? "yes" : "no"))
                    .start(SamplingConfig.of(0.5));
            vigil.startMonitoring();
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            List<Trace> traces = new TraceGenerator(3, exp.id(), start, Duration.ofSeconds(1)).traces(600);
            exp.log(traces);
            long sampled = traces.stream().filter(t -> Sampler.defaultSampler().keep(t.traceId(), "short", 0.5))
                    .count();
            Await.until("sampled traces scored", () -> vigil.stats().scorer("short").scored() == sampled);

            List<BucketStats> stats = exp.aggregate("short", start, start.plusSeconds(3_600), Bucket.HOUR);
            assertThat(stats).hasSize(1);
            BucketStats hour = stats.get(0);
            assertThat(hour.count()).isEqualTo(sampled);
            assertThat(hour.sampleRate()).isEqualTo(0.5);
            var pass = hour.passRate().orElseThrow();
            assertThat(pass.n()).isEqualTo(sampled);
            assertThat(pass.ci().contains(pass.rate())).isTrue();
            assertThat(pass.ci().width()).isGreaterThan(0).isLessThan(0.2);
        }
    }

    @Test
    void providerLimit_boundsConcurrentJudgeCalls() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger now = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        try (Vigil vigil = Vigil.builder().store("memory:").pollInterval(Duration.ofMillis(20))
                .providerLimit("fakeai", new ProviderLimit(2, 1_000.0)).build()) {
            ExperimentHandle exp = vigil.experiment("shop");
            exp.scorers().register(TestScorers.of("judge", Scorer.Workload.IO, in -> {
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    release.await();
                } finally {
                    now.decrementAndGet();
                }
                return true;
            })).start(SamplingConfig.of(1.0));
            vigil.startMonitoring();
            List<Trace> traces = new TraceGenerator(4, exp.id()).traces(20);
            exp.log(traces);
            Await.until("20 runs admitted", () -> vigil.engine().queueDepth() == 20 && now.get() == 2);
            assertThat(max.get()).isEqualTo(2);
            release.countDown();
            Await.until("all scored", () -> vigil.stats().scorer("judge").scored() == 20);
            assertThat(max.get()).isEqualTo(2);
        }
    }
}
