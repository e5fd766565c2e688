package dev.vigil.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Monitors against simulated production traffic on an injected clock (50 traces a minute, sample rate 0.1). */
class MonitorSimulationTest {

    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    private Store store;
    private String experimentId;
    private MutableClock clock;
    private CapturingNotifier capture;
    private MonitorService monitors;

    @BeforeEach
    void setUp() {
        store = Stores.open("memory:");
        experimentId = store.experiments().getOrCreate("prod").experimentId();
        clock = new MutableClock(T0);
        capture = new CapturingNotifier();
        NotifierContext ctx = new NotifierContext(clock, d -> clock.advance(d), Optional.empty(), d -> { });
        monitors = new MonitorService(store, clock, new NotificationDispatcher(List.of(capture), ctx), 1.0);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private MonitorDefinition safetyMonitor(ConfidenceMode mode, String destination) {
        return new MonitorDefinition("safety", null, MonitorMetric.PASS_RATE, null, Duration.ofHours(1),
                Duration.ofMinutes(1), Direction.BELOW, 0.90, 0.88, 30, mode, Duration.ZERO, 0.01,
                List.of(new NotifierConfig("capture", Map.of("name", destination))));
    }

    /** Runs minute by minute until {@code end}: traffic for the minute, then the clock moves and monitors run. */
    private void run(SimulatedProduction prod, Instant end, Instant dropAt) {
        while (clock.instant().isBefore(end)) {
            Instant minute = clock.instant();
            prod.minute(minute, () -> minute.isBefore(dropAt) ? 0.95 : 0.80);
            clock.advance(Duration.ofMinutes(1));
            monitors.evaluateDue(experimentId);
        }
    }

    @Test
    void passRateDropFrom95To80_firesCriticalWithinTheWindow_andNothingBefore() {
        monitors.create(experimentId, "safety-pass-rate", safetyMonitor(ConfidenceMode.INTERVAL, "ops"));
        Instant drop = T0.plus(Duration.ofHours(3));
        run(new SimulatedProduction(store, experimentId, 50, 0.1, 7), drop.plus(Duration.ofHours(2)), drop);

        List<Notification> sent = capture.to("ops");
        assertThat(sent).isNotEmpty();
        assertThat(sent).allSatisfy(n -> assertThat(n.at()).isAfter(drop));
        Notification critical = sent.stream().filter(n -> n.to().equals("CRITICAL")).findFirst().orElseThrow();
        assertThat(critical.at()).isBefore(drop.plus(Duration.ofHours(1)));
        assertThat(critical.high()).isLessThan(0.88);
        assertThat(critical.sampleSize()).isGreaterThanOrEqualTo(30);
        assertThat(critical.traceIds()).isNotEmpty();
        assertThat(sent.stream().map(Notification::id).distinct().count()).isEqualTo(sent.size());
        assertThat(monitors.state(experimentId, "safety-pass-rate")).isEqualTo(MonitorState.CRITICAL);
        List<MonitorTransition> history = monitors.history(experimentId, "safety-pass-rate", 10);
        assertThat(history.get(0).to()).isEqualTo("CRITICAL");
        assertThat(history.get(0).traceIds()).isNotEmpty();
        assertThat(history).extracting(MonitorTransition::to).contains("OK");
    }

    @Test
    void aWeekWithNoChange_neverFiresAtTheDefaultConfidenceMode() {
        monitors.create(experimentId, "interval", safetyMonitor(ConfidenceMode.INTERVAL, "interval"));
        monitors.create(experimentId, "point", safetyMonitor(ConfidenceMode.POINT, "point"));
        run(new SimulatedProduction(store, experimentId, 50, 0.1, 11), T0.plus(Duration.ofDays(7)), Instant.MAX);

        long falseAlarms = capture.to("interval").stream().filter(n -> !n.to().equals("OK")).count();
        assertThat(falseAlarms).isZero();
        assertThat(monitors.state(experimentId, "interval")).isEqualTo(MonitorState.OK);
        // The same thresholds on the point estimate alert on sampling noise: that is what the interval prevents.
        assertThat(capture.to("point")).isNotEmpty();
    }
}
