package dev.vigil.core.registry;

import dev.vigil.core.filter.FilterSyntaxException;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.ScorerStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reads of a {@link ScorerRegistry}: stored scorer versions turned into {@link RegisteredScorer}s with their
 * scorer instance ({@link ScorerInstances}), compiled filter and state, and the not-found errors that list what
 * exists. Every read goes to the store. Thread-safe.
 */
final class ScorerReader {
    private static final Logger LOG = LoggerFactory.getLogger(ScorerRegistry.class);

    private final ScorerWriter writer;
    private final ScorerStore store;
    private final String experimentId;
    private final ScorerInstances instances;

    ScorerReader(ScorerWriter writer, ScorerStore store, String experimentId, ScorerInstances instances) {
        this.writer = writer;
        this.store = store;
        this.experimentId = experimentId;
        this.instances = instances;
    }

    Optional<RegisteredScorer> find(String name) {
        return store.latest(experimentId, name).map(this::wrap);
    }

    RegisteredScorer get(String name) {
        return find(name).orElseThrow(() -> notFound(name));
    }

    RegisteredScorer get(String name, int version) {
        return store.get(experimentId, name, version).map(this::wrap).orElseThrow(() -> notFound(name, version));
    }

    /** @return the latest version of every name, sorted by name */
    List<RegisteredScorer> list() {
        Map<String, ScorerVersion> latest = new LinkedHashMap<>();
        for (ScorerVersion v : store.list(experimentId)) {
            latest.merge(v.name(), v, (a, b) -> a.version() >= b.version() ? a : b);
        }
        List<RegisteredScorer> out = new ArrayList<>(latest.size());
        for (ScorerVersion v : latest.values()) {
            out.add(wrap(v));
        }
        out.sort(Comparator.comparing(RegisteredScorer::name));
        return List.copyOf(out);
    }

    /** @return every version of a name, oldest first */
    List<RegisteredScorer> versions(String name) {
        List<RegisteredScorer> out = new ArrayList<>();
        for (ScorerVersion v : store.list(experimentId)) {
            if (v.name().equals(name)) {
                out.add(wrap(v));
            }
        }
        out.sort(Comparator.comparingInt(RegisteredScorer::version));
        return List.copyOf(out);
    }

    /** @return per name, the highest version sampling above 0, sorted by name; bad stored filters logged, left out */
    List<RegisteredScorer> active() {
        Map<String, ScorerVersion> chosen = new LinkedHashMap<>();
        for (ScorerVersion v : store.list(experimentId)) {
            if (v.sampling().isActive()) {
                chosen.merge(v.name(), v, (a, b) -> a.version() >= b.version() ? a : b);
            }
        }
        List<RegisteredScorer> out = new ArrayList<>(chosen.size());
        for (ScorerVersion v : chosen.values()) {
            try {
                out.add(wrap(v));
            } catch (InvalidInputException badFilter) {
                LOG.warn("scorer '{}' v{} in experiment '{}' is left out: {}", v.name(), v.version(), experimentId,
                        badFilter.getMessage());
            }
        }
        out.sort(Comparator.comparing(RegisteredScorer::name));
        return List.copyOf(out);
    }

    /**
     * @throws InvalidInputException if the stored filter does not parse
     */
    RegisteredScorer wrap(ScorerVersion v) {
        TraceFilter filter = compile(v.name(), v.sampling().filterString());
        return new RegisteredScorer(writer, v, instances.scorerFor(v), filter, stateOf(v));
    }

    /** Wraps a stopped record even if its filter no longer parses (at rate 0 the filter selects nothing). */
    RegisteredScorer wrapTolerant(ScorerVersion v) {
        TraceFilter filter;
        try {
            filter = compile(v.name(), v.sampling().filterString());
        } catch (InvalidInputException undecodable) {
            filter = TraceFilter.MATCH_ALL; // never applied: a stopped scorer samples no trace
        }
        return new RegisteredScorer(writer, v, instances.scorerFor(v), filter, stateOf(v));
    }

    static TraceFilter compile(String name, String filterString) {
        try {
            return TraceFilter.parse(filterString);
        } catch (FilterSyntaxException e) {
            throw new InvalidInputException("scorer '" + name + "' has an invalid filter string: " + e.getMessage());
        }
    }

    static ScorerState stateOf(ScorerVersion v) {
        return v.sampling().isActive() ? ScorerState.ACTIVE : ScorerState.STOPPED;
    }

    NotFoundException notFound(String name) {
        return new NotFoundException("Scheduled scorer '" + name + "' not found in experiment '" + experimentId + "'");
    }

    NotFoundException notFound(String name, int version) {
        List<Integer> versions = store.list(experimentId).stream().filter(v -> v.name().equals(name))
                .map(ScorerVersion::version).toList();
        return new NotFoundException("Scheduled scorer '" + name + "' version " + version
                + " not found in experiment '" + experimentId + "'"
                + (versions.isEmpty() ? "" : " (versions: " + versions.stream().map(String::valueOf)
                        .reduce((a, b) -> a + ", " + b).orElse("") + ")"));
    }
}
