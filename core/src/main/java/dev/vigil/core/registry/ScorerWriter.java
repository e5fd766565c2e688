package dev.vigil.core.registry;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.ScorerStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The writes of a {@link ScorerRegistry}'s lifecycle: registering versions (idempotently for
 * {@code registerOrGet}), start / update / stop / delete with their checks (rate, filter, active limit, deleted
 * instances) and the optimistic-revision errors, and the kill switch that stops a scorer whatever its stored
 * definition. Every successful write is told to the registry's {@link RegistryChanges}; the records written come back
 * wrapped by the writer's {@link ScorerReader}, whose instances operate through this writer.
 */
final class ScorerWriter {
    private static final int REGISTER_ATTEMPTS = 5;

    private final RegistryChanges changes;
    private final ScorerReader reader;
    private final ScorerStore store;
    private final String experimentId;
    private final int maxActive;
    private final Clock clock;
    private final ScorerInstances instances;

    ScorerWriter(RegistryChanges changes, ScorerStore store, String experimentId, int maxActive, Clock clock,
            ScorerInstances instances) {
        this.changes = changes;
        this.reader = new ScorerReader(this, store, experimentId, instances);
        this.store = store;
        this.experimentId = experimentId;
        this.maxActive = maxActive;
        this.clock = clock;
        this.instances = instances;
    }

    /** @return the reader whose instances write through this writer */
    ScorerReader reader() {
        return reader;
    }

    RegisteredScorer register(Scorer scorer, String name) {
        Objects.requireNonNull(scorer, "scorer");
        ScorerVersion.validateName(name);
        Scorer named = Scorers.renamed(scorer, name);
        ScorerDefinition definition = Objects.requireNonNull(scorer.definition(),
                "scorer '" + name + "' returned a null definition()");
        StaleWriteException last = null;
        for (int attempt = 0; attempt < REGISTER_ATTEMPTS; attempt++) {
            int next = store.latest(experimentId, name).map(v -> v.version() + 1).orElse(1);
            Instant now = clock.instant();
            ScorerVersion record = new ScorerVersion(experimentId, name, next, definition, SamplingConfig.STOPPED, 1,
                    now, now);
            try {
                ScorerVersion stored = store.create(record);
                instances.keepLive(name, stored.version(), named);
                changes.changed();
                return new RegisteredScorer(this, stored, named, TraceFilter.MATCH_ALL, ScorerState.STOPPED);
            } catch (StaleWriteException e) {
                last = e; // another writer registered this version first: take the next one
            }
        }
        throw new StaleWriteException("could not register scorer '" + name + "' in experiment '" + experimentId
                + "': other writers kept registering new versions (" + REGISTER_ATTEMPTS + " attempts; last: "
                + last.getMessage() + ")");
    }

    RegisteredScorer registerOrGet(Scorer scorer, String name) {
        Objects.requireNonNull(scorer, "scorer");
        ScorerVersion.validateName(name);
        ScorerDefinition definition = Objects.requireNonNull(scorer.definition(),
                "scorer '" + name + "' returned a null definition()");
        Optional<ScorerVersion> latest = store.latest(experimentId, name);
        if (latest.isPresent() && sameDefinition(latest.get().definition(), definition)) {
            instances.keepLive(name, latest.get().version(), Scorers.renamed(scorer, name));
            changes.changed();
            return reader.wrap(latest.get());
        }
        return register(scorer, name);
    }

    private static boolean sameDefinition(ScorerDefinition stored, ScorerDefinition given) {
        return stored.equals(given) || normalizedLambda(stored).equals(normalizedLambda(given));
    }

    private static ScorerDefinition normalizedLambda(ScorerDefinition d) {
        Object lambda = d.config().get(Scorers.LAMBDA_KEY);
        if (!(lambda instanceof String name)) {
            return d;
        }
        int slash = name.indexOf('/');
        Map<String, Object> config = new LinkedHashMap<>(d.config());
        config.put(Scorers.LAMBDA_KEY, slash < 0 ? name : name.substring(0, slash));
        return new ScorerDefinition(d.kind(), config);
    }

    RegisteredScorer stop(String name) {
        // The kill switch: works on the stored record, so a definition or filter that no longer decodes (a
        // broken rule that keeps calling a paid judge) cannot prevent it; a concurrent writer only makes it retry.
        for (int attempt = 1; ; attempt++) {
            ScorerVersion v = store.latest(experimentId, name).orElseThrow(() -> reader.notFound(name));
            if (!v.sampling().isActive()) {
                return reader.wrapTolerant(v);
            }
            try {
                ScorerVersion stored = store.update(v.withSampling(v.sampling().withSampleRate(0.0), clock.instant()));
                changes.changed();
                return reader.wrapTolerant(stored);
            } catch (StaleWriteException | NotFoundException raced) {
                if (attempt >= 10) {
                    throw raced;
                }
            }
        }
    }

    int delete(String name) {
        int n = store.delete(experimentId, name);
        if (n == 0) {
            throw reader.notFound(name);
        }
        instances.forget(name, -1);
        changes.changed();
        return n;
    }

    void delete(String name, int version) {
        if (!store.delete(experimentId, name, version)) {
            throw reader.notFound(name, version);
        }
        instances.forget(name, version);
        changes.changed();
    }

    RegisteredScorer start(RegisteredScorer current, SamplingConfig config) {
        noFilterOnSessions(current, config);
        Objects.requireNonNull(config, "config");
        requireNotDeleted(current, "start");
        if (!config.isActive()) {
            throw new InvalidInputException("cannot start scorer '" + current.name()
                    + "' with sample rate 0; a started scorer samples at a rate in (0, 1] (to stop it: vigil scorers stop NAME; in Java, stop())");
        }
        return write(current, config, "start");
    }

    RegisteredScorer update(RegisteredScorer current, SamplingConfig config) {
        noFilterOnSessions(current, config);
        Objects.requireNonNull(config, "config");
        requireNotDeleted(current, "update");
        return write(current, config, "update");
    }

    RegisteredScorer stop(RegisteredScorer current) {
        requireNotDeleted(current, "stop");
        return write(current, current.sampling().withSampleRate(0.0), "stop");
    }

    RegisteredScorer delete(RegisteredScorer current) {
        requireNotDeleted(current, "delete");
        if (!store.delete(experimentId, current.name(), current.version())) {
            throw reader.notFound(current.name(), current.version());
        }
        instances.forget(current.name(), current.version());
        changes.changed();
        return current.with(current.record(), current.filter(), ScorerState.DELETED);
    }

    /** A filter selects traces; a session scorer scores whole sessions, sampled by session id: refused, not ignored. */
    private static void noFilterOnSessions(RegisteredScorer current, SamplingConfig config) {
        if (config != null && current.level() == ScorerLevel.SESSION && config.filterString() != null
                && !config.filterString().isBlank()) {
            throw new InvalidInputException("scorer '" + current.name() + "' scores whole sessions (session level), "
                    + "and a filter string selects single traces: start it with a sample rate only (sessions are "
                    + "sampled by session id), got filter \"" + config.filterString() + "\"");
        }
    }

    private void requireNotDeleted(RegisteredScorer current, String operation) {
        if (current.state() == ScorerState.DELETED) {
            throw new InvalidInputException("cannot " + operation + " scorer '" + current.name() + "' version "
                    + current.version() + ": it was deleted from experiment '" + experimentId
                    + "'; register it again to use it");
        }
    }

    private RegisteredScorer write(RegisteredScorer current, SamplingConfig config, String operation) {
        TraceFilter filter = ScorerReader.compile(current.name(), config.filterString());
        if (config.isActive()) {
            checkActiveLimit(current.name());
        }
        ScorerVersion next = current.record().withSampling(config, clock.instant());
        ScorerVersion stored;
        try {
            stored = store.update(next);
        } catch (NotFoundException gone) {
            throw new NotFoundException("cannot " + operation + " scorer '" + current.name() + "' version "
                    + current.version() + ": it was deleted from experiment '" + experimentId
                    + "'; register it again to use it");
        } catch (StaleWriteException stale) {
            throw new StaleWriteException("cannot " + operation + " scorer '" + current.name() + "' version "
                    + current.version() + " in experiment '" + experimentId + "': another writer changed it after "
                    + "this instance was read (at revision " + current.revision() + "); nothing was written. Get it "
                    + "again with get(\"" + current.name() + "\") and retry. (" + stale.getMessage() + ")");
        }
        changes.changed();
        return current.with(stored, filter, ScorerReader.stateOf(stored));
    }

    private void checkActiveLimit(String starting) {
        List<String> others = new ArrayList<>();
        for (ScorerVersion v : store.list(experimentId)) {
            if (v.sampling().isActive() && !v.name().equals(starting) && !others.contains(v.name())) {
                others.add(v.name());
            }
        }
        if (others.size() >= maxActive) {
            others.sort(null);
            throw new InvalidInputException("cannot start scorer '" + starting + "': experiment '" + experimentId
                    + "' already has " + others.size() + " active scorers, the limit is " + maxActive
                    + " (active: " + String.join(", ", others) + "). Stop one first, or raise the limit with "
                    + "ScorerRegistry.builder(...).maxActive(n)");
        }
    }
}
