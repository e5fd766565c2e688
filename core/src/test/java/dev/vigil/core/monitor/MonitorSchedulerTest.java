package dev.vigil.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MonitorSchedulerTest {

    @Test
    @Timeout(300)
    void scheduler_evaluatesDueMonitorsInTheBackground_andNotifiesOnce() throws Exception {
        Instant t0 = Instant.parse("2026-03-02T00:00:00Z");
        try (Store store = Stores.open("memory:")) {
            String exp = store.experiments().getOrCreate("prod").experimentId();
            MutableClock clock = new MutableClock(t0);
            CapturingNotifier capture = new CapturingNotifier();
            MonitorService service = new MonitorService(store, clock, new NotificationDispatcher(List.of(capture),
                    new NotifierContext(clock, d -> { }, Optional.empty(), d -> { })), 1.0);
            service.create(exp, "m", new MonitorDefinition("safety", null, MonitorMetric.PASS_RATE, null,
                    Duration.ofHours(1), Duration.ofMinutes(1), Direction.BELOW, null, 0.9, 30,
                    ConfidenceMode.INTERVAL, Duration.ZERO, 0, List.of(new NotifierConfig("capture",
                            Map.of("name", "ops")))));
            SimulatedProduction prod = new SimulatedProduction(store, exp, 50, 1.0, 3);
            for (int i = 0; i < 5; i++) {
                prod.minute(t0.plus(Duration.ofMinutes(i)), () -> 0.2);
            }
            clock.advance(Duration.ofMinutes(5));
            try (MonitorScheduler scheduler = new MonitorScheduler(service, exp, Duration.ofSeconds(1))) {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (capture.to("ops").isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(1500); // a few more ticks at the same simulated time: no repeat
            }
            assertThat(capture.to("ops")).singleElement().satisfies(n -> assertThat(n.to()).isEqualTo("CRITICAL"));
            assertThat(service.state(exp, "m")).isEqualTo(MonitorState.CRITICAL);
        }
    }
}
