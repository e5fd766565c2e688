package dev.vigil.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.aggregate.Interval;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.NotifierConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MonitorDefinitionTest {

    private static MonitorDefinition passRate(Double warning, Double critical) {
        return new MonitorDefinition("safety", null, MonitorMetric.PASS_RATE, null, Duration.ofHours(1), null, null,
                warning, critical, 30, null, null, 0.02, null);
    }

    @Test
    void defaults_areFilledIn() {
        MonitorDefinition d = passRate(0.95, 0.9);
        assertThat(d.every()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.direction()).isEqualTo(Direction.BELOW);
        assertThat(d.confidence()).isEqualTo(ConfidenceMode.INTERVAL);
        assertThat(d.lateDataDelay()).isZero();
        assertThat(new MonitorDefinition("judge", null, MonitorMetric.ERROR_RATE, null, Duration.ofHours(1), null,
                null, null, 0.1, 10, null, null, 0, null).direction()).isEqualTo(Direction.ABOVE);
    }

    @Test
    void badDefinitions_areRejectedWithWhatIsAllowed() {
        assertThatThrownBy(() -> passRate(null, null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("warning or a critical threshold");
        assertThatThrownBy(() -> passRate(90.0, null)).hasMessageContaining("share in [0, 1]");
        assertThatThrownBy(() -> passRate(0.8, 0.9)).hasMessageContaining("at or below the warning");
        assertThatThrownBy(() -> new MonitorDefinition("s", null, MonitorMetric.PASS_RATE, null, Duration.ofSeconds(5),
                null, null, 0.9, null, 30, null, null, 0, null)).hasMessageContaining("1 minute to 31 days");
        assertThatThrownBy(() -> new MonitorDefinition("s", null, MonitorMetric.CATEGORY_SHARE, null,
                Duration.ofHours(1), null, null, 0.9, null, 30, null, null, 0, null))
                .hasMessageContaining("needs the category");
        assertThatThrownBy(() -> new MonitorDefinition("s", null, MonitorMetric.PASS_RATE, null, Duration.ofHours(1),
                Duration.ofHours(2), null, 0.9, null, 30, null, null, 0, null)).hasMessageContaining("every");
        assertThatThrownBy(() -> new MonitorDefinition("s", null, MonitorMetric.PASS_RATE, null, Duration.ofHours(1),
                null, null, 0.9, null, 0, null, null, 0, null)).hasMessageContaining("minimum sample size");
        assertThatThrownBy(() -> MonitorJson.read("{\"scorer\":\"s\",\"metric\":\"median\",\"window\":\"1h\"}"))
                .hasMessageContaining("unknown metric 'median'").hasMessageContaining("pass_rate");
        assertThatThrownBy(() -> MonitorJson.duration("an hour", "window")).hasMessageContaining("like 90s");
    }

    @Test
    void json_roundTrips_andToStringHidesNotifierSecrets() {
        MonitorDefinition d = new MonitorDefinition("tone", "tone", MonitorMetric.CATEGORY_SHARE, "rude",
                Duration.ofHours(2), Duration.ofMinutes(5), Direction.ABOVE, 0.05, 0.1, 50, ConfidenceMode.POINT,
                Duration.ofMinutes(10), 0.01, List.of(new NotifierConfig("slack",
                        Map.of("url", "https://hooks.slack.com/services/T0/B0/SECRETXYZ"))));
        assertThat(MonitorJson.read(MonitorJson.write(d))).isEqualTo(d);
        assertThat(d.toString()).doesNotContain("SECRETXYZ");
    }

    @Test
    void decide_intervalMode_needsTheWholeIntervalPastTheThreshold_andHysteresisKeepsTheState() {
        MonitorDefinition d = passRate(null, 0.9);
        Estimate straddling = new Estimate(0.88, Optional.of(new Interval(0.85, 0.91)), 100, List.of());
        Estimate below = new Estimate(0.85, Optional.of(new Interval(0.82, 0.89)), 100, List.of());
        Estimate barelyBack = new Estimate(0.93, Optional.of(new Interval(0.885, 0.91)), 100, List.of());
        Estimate tooFew = new Estimate(0.5, Optional.of(new Interval(0.1, 0.9)), 29, List.of());
        assertThat(MonitorEvaluator.decide(d, straddling, MonitorState.OK)).isEqualTo(MonitorState.OK);
        assertThat(MonitorEvaluator.decide(d, below, MonitorState.OK)).isEqualTo(MonitorState.CRITICAL);
        // high 0.91 < 0.9 + 0.02 hysteresis: stays CRITICAL though it would not enter it
        assertThat(MonitorEvaluator.decide(d, barelyBack, MonitorState.CRITICAL)).isEqualTo(MonitorState.CRITICAL);
        assertThat(MonitorEvaluator.decide(d, barelyBack, MonitorState.OK)).isEqualTo(MonitorState.OK);
        assertThat(MonitorEvaluator.decide(d, tooFew, MonitorState.CRITICAL)).isEqualTo(MonitorState.NO_DATA);
        MonitorDefinition point = new MonitorDefinition("safety", null, MonitorMetric.PASS_RATE, null,
                Duration.ofHours(1), null, null, null, 0.9, 30, ConfidenceMode.POINT, null, 0, null);
        assertThat(MonitorEvaluator.decide(point, straddling, MonitorState.OK)).isEqualTo(MonitorState.CRITICAL);
    }
}
