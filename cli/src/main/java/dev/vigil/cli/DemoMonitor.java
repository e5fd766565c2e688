package dev.vigil.cli;

import dev.vigil.core.monitor.ConfidenceMode;
import dev.vigil.core.monitor.Direction;
import dev.vigil.core.monitor.Monitor;
import dev.vigil.core.monitor.MonitorDefinition;
import dev.vigil.core.monitor.MonitorMetric;
import dev.vigil.core.monitor.MonitorService;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The demo's monitor: the pass rate of {@code is_english} over the last hour, evaluated once at the end. */
final class DemoMonitor {
    static final String NAME = "is-english-pass-rate";

    private DemoMonitor() {}

    static MonitorDefinition definition() {
        return new MonitorDefinition("is_english", null, MonitorMetric.PASS_RATE, null, Duration.ofHours(1),
                Duration.ofMinutes(1), Direction.BELOW, 0.9, 0.8, 10, ConfidenceMode.INTERVAL, Duration.ZERO, 0.02,
                List.of(new NotifierConfig("log", Map.of())));
    }

    /** Creates the monitor (or a new version if its definition changed), evaluates it and prints its state. */
    static void show(PrintWriter out, Store s, String experimentId, Clock clock) {
        MonitorService monitors = MonitorsCommand.service(s, clock);
        Monitor m = monitors.get(experimentId, NAME).orElse(null);
        if (m == null) {
            m = monitors.create(experimentId, NAME, definition());
        } else if (!m.definition().equals(definition())) {
            m = monitors.update(experimentId, NAME, definition());
        }
        monitors.evaluateNow(experimentId, NAME);
        List<MonitorTransition> last = monitors.history(experimentId, NAME, 1);
        out.println();
        out.println("Monitor " + MonitorsCommand.describe(m) + ".");
        out.println(last.isEmpty() ? "  state: NO_DATA (fewer than " + m.definition().minSamples() + " values)"
                : "  state: " + last.get(0).to() + " since " + last.get(0).at() + ", pass rate "
                        + MonitorsCommand.interval(last.get(0)) + " from " + last.get(0).sampleSize() + " traces");
    }
}
