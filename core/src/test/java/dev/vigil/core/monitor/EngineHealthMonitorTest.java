package dev.vigil.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Monitors on engine health: cursor lag and a paused or stopped scorer, with one notification per transition. */
class EngineHealthMonitorTest {

    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    private Store store;
    private String experimentId;
    private MutableClock clock;
    private CapturingNotifier capture;
    private MonitorService monitors;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        experimentId = store.experiments().getOrCreate("prod").experimentId();
        capture = new CapturingNotifier();
        NotifierContext ctx = new NotifierContext(clock, d -> clock.advance(d), Optional.empty(), d -> { });
        monitors = new MonitorService(store, clock, new NotificationDispatcher(List.of(capture), ctx), 1.0);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static MonitorDefinition health(MonitorMetric metric, String scorer, Double warning, Double critical) {
        return new MonitorDefinition(scorer, null, metric, null, Duration.ofMinutes(5), Duration.ofMinutes(1), null,
                warning, critical, MonitorDefinition.DEFAULT_MIN_SAMPLES, null, null, 0,
                List.of(new NotifierConfig("capture", Map.of("name", "ops"))));
    }

    private List<MonitorTransition> tick() {
        clock.advance(Duration.ofMinutes(1));
        return monitors.evaluateDue(experimentId);
    }

    @Test
    void cursorLag_warnsThenGoesCritical_andRecovers_oneNotificationPerTransition() {
        AtomicLong lag = new AtomicLong(10);
        monitors.useHealth((exp, metric, scorer) -> metric == MonitorMetric.CURSOR_LAG
                ? OptionalDouble.of(lag.get()) : OptionalDouble.empty());
        monitors.create(experimentId, "lag", health(MonitorMetric.CURSOR_LAG, "*", 1_000.0, 10_000.0));

        assertThat(tick()).extracting(MonitorTransition::to).containsExactly("OK");
        assertThat(tick()).isEmpty();
        lag.set(2_500);
        assertThat(tick()).extracting(MonitorTransition::to).containsExactly("WARNING");
        lag.set(50_000);
        List<MonitorTransition> critical = tick();
        assertThat(critical).extracting(MonitorTransition::to).containsExactly("CRITICAL");
        assertThat(critical.get(0).value()).isEqualTo(50_000.0);
        assertThat(tick()).as("still critical: no new transition").isEmpty();
        lag.set(0);
        assertThat(tick()).extracting(MonitorTransition::to).containsExactly("OK");

        assertThat(capture.to("ops")).extracting(Notification::to).containsExactly("WARNING", "CRITICAL", "OK");
    }

    @Test
    void withoutAnEngine_aHealthMonitorHasNoData() {
        monitors.create(experimentId, "lag", health(MonitorMetric.CURSOR_LAG, "*", null, 100.0));
        assertThat(tick()).isEmpty();
        assertThat(monitors.state(experimentId, "lag")).isEqualTo(MonitorState.NO_DATA);
    }

    @Test
    void scorerPaused_firesWhenTheScorerIsStopped_readFromTheRunningEngine() {
        try (Vigil vigil = Vigil.builder().store(store).clock(clock).build()) {
            ExperimentHandle exp = vigil.experiment("prod");
            exp.scorers().register(Scorers.code("safety", in -> true)).start(SamplingConfig.of(1.0));
            vigil.startMonitoring();
            monitors.useHealth(EngineHealth.of(vigil));
            monitors.create(experimentId, "safety-running", health(MonitorMetric.SCORER_PAUSED, "safety", null, 0.5));

            assertThat(tick()).extracting(MonitorTransition::to).containsExactly("OK");
            exp.scorers().get("safety").stop();
            assertThat(tick()).extracting(MonitorTransition::to).containsExactly("CRITICAL");
            exp.scorers().get("safety").start(SamplingConfig.of(0.5));
            assertThat(tick()).extracting(MonitorTransition::to).containsExactly("OK");
            assertThat(capture.to("ops")).extracting(Notification::to).containsExactly("CRITICAL", "OK");
        }
    }

    @Test
    void aNegativeLagThreshold_isRejected() {
        assertThatThrownBy(() -> health(MonitorMetric.CURSOR_LAG, "*", null, -1.0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cursor_lag");
    }
}
