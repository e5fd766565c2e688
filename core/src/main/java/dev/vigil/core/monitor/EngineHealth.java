package dev.vigil.core.monitor;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.aggregate.Interval;
import dev.vigil.core.engine.ScorerStatus;
import dev.vigil.core.registry.RegisteredScorer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The values engine-health monitors watch, read from a running engine: {@link MonitorMetric#CURSOR_LAG} and
 * {@link MonitorMetric#SCORER_PAUSED}. They are exact measures: the estimate's interval is the value itself, so
 * the default confidence mode fires as soon as the value is past the threshold.
 */
@FunctionalInterface
public interface EngineHealth {

    /** No engine: health monitors stay NO_DATA. */
    EngineHealth NONE = (experimentId, metric, scorerName) -> OptionalDouble.empty();

    /**
     * @param experimentId the experiment
     * @param metric a health metric
     * @param scorerName the monitor's scorer
     * @return the value now, or empty when unknown
     */
    OptionalDouble value(String experimentId, MonitorMetric metric, String scorerName);

    /**
     * @param experimentId the experiment
     * @param d a health monitor's definition
     * @return the estimate for it (NaN when unknown)
     */
    default Estimate estimate(String experimentId, MonitorDefinition d) {
        OptionalDouble v;
        try {
            v = value(experimentId, d.metric(), d.scorerName());
        } catch (RuntimeException e) {
            v = OptionalDouble.empty();
        }
        if (v.isEmpty()) {
            return new Estimate(Double.NaN, Optional.empty(), 0, List.of());
        }
        double x = v.getAsDouble();
        return new Estimate(x, Optional.of(new Interval(x, x)), 1, List.of());
    }

    /**
     * @param vigil a Vigil whose engine runs in this process
     * @return its health: the engine's cursor lag; a scorer is paused when the engine paused it or the registry
     *     has no active version of it
     */
    static EngineHealth of(Vigil vigil) {
        return (experimentId, metric, scorerName) -> switch (metric) {
            case CURSOR_LAG -> vigil.isMonitoring() ? OptionalDouble.of(vigil.engine().cursorLag())
                    : OptionalDouble.empty();
            case SCORER_PAUSED -> {
                boolean paused = vigil.engine().statuses().values().stream()
                        .anyMatch(s -> s.key().experimentId().equals(experimentId)
                                && s.key().name().equals(scorerName) && s.state() == ScorerStatus.State.PAUSED);
                boolean active = false;
                Optional<dev.vigil.spi.model.Experiment> e = vigil.store().experiments().get(experimentId);
                if (e.isPresent()) {
                    ExperimentHandle h = vigil.experiment(e.get().name());
                    Optional<RegisteredScorer> r = h.scorers().find(scorerName);
                    active = r.isPresent() && r.get().isActive();
                }
                yield OptionalDouble.of(paused || !active ? 1 : 0);
            }
            default -> OptionalDouble.empty();
        };
    }
}
