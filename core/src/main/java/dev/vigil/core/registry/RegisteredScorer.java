package dev.vigil.core.registry;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import java.time.Instant;
import java.util.Objects;

/**
 * One version of a scorer registered in an experiment, as read at one moment: immutable. Lifecycle operations
 * ({@link #start}, {@link #update}, {@link #stop}, {@link #delete}) write through the registry and return a
 * <em>new</em> instance; this one keeps its values, as MLflow's scorers do:
 *
 * <pre>{@code
 * RegisteredScorer original = registry.register(safety).start(SamplingConfig.of(0.3));
 * RegisteredScorer updated = original.update(SamplingConfig.of(0.8));
 * original.sampleRate(); // 0.3
 * updated.sampleRate();  // 0.8
 * }</pre>
 *
 * <p>Each instance carries the store revision it was read at. A lifecycle operation on an instance whose
 * version was changed since by another writer fails with {@link dev.vigil.spi.StaleWriteException} rather than
 * overwrite that change: get the scorer again and retry.
 */
public final class RegisteredScorer {

    private final ScorerWriter writer;
    private final ScorerVersion record;
    private final Scorer scorer;
    private final TraceFilter filter;
    private final ScorerState state;
    private final ScorerLevel level;

    RegisteredScorer(ScorerWriter writer, ScorerVersion record, Scorer scorer, TraceFilter filter,
            ScorerState state) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.record = Objects.requireNonNull(record, "record");
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.filter = Objects.requireNonNull(filter, "filter");
        this.state = Objects.requireNonNull(state, "state");
        this.level = ScorerLevel.of(scorer, record.definition());
    }

    /** @return the registered name */
    public String name() {
        return record.name();
    }

    /** @return the version, 1, 2, ... */
    public int version() {
        return record.version();
    }

    /** @return the experiment it is registered in */
    public String experimentId() {
        return record.experimentId();
    }

    /** @return the live scorer, named {@link #name()} */
    public Scorer scorer() {
        return scorer;
    }

    /**
     * @return whether this scorer judges single traces (run by the monitoring engine and trace backfills) or whole
     *     sessions (run by the session monitor and session backfills), decided from the scorer itself
     */
    public ScorerLevel level() {
        return level;
    }

    /**
     * @return the live scorer as a session scorer, named {@link #name()}
     * @throws IllegalStateException if this is a trace-level scorer
     */
    public dev.vigil.spi.session.SessionScorer sessionScorer() {
        if (level != ScorerLevel.SESSION || !(scorer instanceof dev.vigil.spi.session.SessionScorer s)) {
            throw new IllegalStateException("scorer '" + name() + "' v" + version() + " is a trace-level scorer,"
                    + " not a session scorer");
        }
        return s;
    }

    /** @return the stored definition */
    public ScorerDefinition definition() {
        return record.definition();
    }

    /** @return the sampling configuration at the time this instance was read */
    public SamplingConfig sampling() {
        return record.sampling();
    }

    /** @return the sample rate: above 0 when active, 0 when stopped */
    public double sampleRate() {
        return record.sampling().sampleRate();
    }

    /** @return the filter string, or null for every trace */
    public String filterString() {
        return record.sampling().filterString();
    }

    /** @return the compiled filter ({@link TraceFilter#MATCH_ALL} without a filter string) */
    public TraceFilter filter() {
        return filter;
    }

    /** @return the state at the time this instance was read */
    public ScorerState state() {
        return state;
    }

    /** @return true if {@link #state()} is {@link ScorerState#ACTIVE} */
    public boolean isActive() {
        return state == ScorerState.ACTIVE;
    }

    /** @return the store revision this instance was read at */
    public long revision() {
        return record.revision();
    }

    /** @return when this version was registered */
    public Instant createdAt() {
        return record.createdAt();
    }

    /** @return when its sampling configuration last changed */
    public Instant updatedAt() {
        return record.updatedAt();
    }

    /** @return the stored record */
    public ScorerVersion record() {
        return record;
    }

    /**
     * Starts monitoring with a sample rate in (0, 1] and an optional filter.
     *
     * @param config the sampling configuration
     * @return the started scorer (a new instance)
     * @throws dev.vigil.spi.InvalidInputException if the rate is 0, the filter does not parse, or the experiment
     *     is at its limit of active scorers
     * @throws dev.vigil.spi.StaleWriteException if another writer changed this version since it was read
     */
    public RegisteredScorer start(SamplingConfig config) {
        return writer.start(this, config);
    }

    /**
     * Changes the sampling configuration (rate 0 stops).
     *
     * @param config the new configuration
     * @return the updated scorer (a new instance)
     * @throws dev.vigil.spi.NotFoundException if this version was deleted
     * @throws dev.vigil.spi.StaleWriteException if another writer changed this version since it was read
     */
    public RegisteredScorer update(SamplingConfig config) {
        return writer.update(this, config);
    }

    /**
     * Stops monitoring: sample rate 0, registration and filter kept.
     *
     * @return the stopped scorer (a new instance)
     */
    public RegisteredScorer stop() {
        return writer.stop(this);
    }

    /**
     * Deletes this version from its experiment.
     *
     * @return this scorer in state {@link ScorerState#DELETED}
     */
    public RegisteredScorer delete() {
        return writer.delete(this);
    }

    RegisteredScorer with(ScorerVersion newRecord, TraceFilter newFilter, ScorerState newState) {
        return new RegisteredScorer(writer, newRecord, scorer, newFilter, newState);
    }

    @Override
    public String toString() {
        return "RegisteredScorer[" + name() + " v" + version() + " in " + experimentId() + ", " + level.label() + ", "
                + state
                + ", sample rate " + sampleRate() + (filterString() == null ? "" : ", filter " + filterString())
                + "]";
    }
}
