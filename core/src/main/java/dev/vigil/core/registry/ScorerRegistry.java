package dev.vigil.core.registry;

import dev.vigil.core.scorer.ScorerCodecs;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.store.ScorerStore;
import dev.vigil.spi.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The scheduled scorers of one experiment, with MLflow's lifecycle, persisted through a
 * {@link ScorerStore}.
 *
 * <pre>{@code
 * ScorerRegistry registry = ScorerRegistry.of(store, experimentId);
 * RegisteredScorer length = registry.register(Scorers.code("response_length", in -> in.outputText().length()));
 * length = length.start(SamplingConfig.of(0.7));
 * length = length.update(SamplingConfig.of(0.8, "tags.env = 'prod'"));
 * length = length.stop();                          // rate 0, still registered
 * length = length.start(SamplingConfig.of(0.5));   // restart
 * registry.delete("response_length");              // every version
 * }</pre>
 *
 * <p><b>Versions.</b> Registering a name that exists creates its next version; a new version starts
 * {@linkplain ScorerState#STOPPED stopped}. Each version carries its own sampling configuration. The operations
 * by name ({@link #start(String, SamplingConfig)}, {@link #update(String, SamplingConfig)}, {@link #stop(String)},
 * {@link #get(String)}) act on the latest version; {@link #list()} shows the latest version of each name. The
 * engine runs, for each name, the highest version whose rate is above 0 ({@link #active()}): starting version 2
 * takes over from an active version 1, and until it is started version 1 keeps running. The active-scorer limit
 * counts names.
 *
 * <p><b>Live scorers.</b> A scorer registered through this registry is kept as a live instance for this
 * process; other versions are rebuilt from their definitions by {@link ScorerCodecs}. A scorer made from a lambda
 * ({@link Scorers#code}) cannot be rebuilt, so in another process (or another registry) it is listed but its
 * {@link RegisteredScorer#scorer()} fails every call with the reason, which the engine records as an error
 * feedback.
 *
 * <p><b>Concurrency.</b> Writes are optimistic: each instance carries the revision it was read at, and a write
 * based on a revision another writer replaced fails with {@link StaleWriteException}; nothing is lost silently.
 * The active limit is checked before a start against what the store holds then (two processes starting at the
 * same moment may both pass). Thread-safe.
 *
 * <p><b>Noticing changes.</b> {@link #revision()} grows on every write made through this registry and
 * {@link #addListener(Runnable)} is told after each; writes by other processes are seen by the next
 * {@link #active()} or {@link #list()}, which read the store.
 */
public final class ScorerRegistry {

    /** MLflow's default limit of active scorers per experiment. */
    public static final int DEFAULT_MAX_ACTIVE = 20;

    private final String experimentId;
    private final int maxActive;
    private final ScorerReader reader;
    private final ScorerWriter writer;
    private final RegistryChanges changes = new RegistryChanges();

    private ScorerRegistry(Builder b) {
        this.experimentId = b.experimentId;
        this.maxActive = b.maxActive;
        this.writer = new ScorerWriter(changes, b.store, b.experimentId, b.maxActive, b.clock,
                new ScorerInstances(b.decoder));
        this.reader = writer.reader();
    }

    /**
     * @param store the store
     * @param experimentId the experiment (must exist in the store)
     * @return a registry with the defaults (20 active scorers, the system UTC clock)
     */
    public static ScorerRegistry of(Store store, String experimentId) {
        return builder(store.scorers(), experimentId).build();
    }

    /**
     * @param store the scorer store
     * @param experimentId the experiment
     * @return a builder
     */
    public static Builder builder(ScorerStore store, String experimentId) {
        return new Builder(store, experimentId);
    }

    /** @return the experiment id */
    public String experimentId() {
        return experimentId;
    }

    /** @return the limit of active scorers */
    public int maxActive() {
        return maxActive;
    }

    // ---------------------------------------------------------------- register

    /**
     * Registers a scorer under its own name: version 1, or the next version if the name exists. The new version
     * is stopped (rate 0).
     *
     * @param scorer the scorer
     * @return the registered scorer
     */
    public RegisteredScorer register(Scorer scorer) {
        return register(scorer, Objects.requireNonNull(scorer, "scorer").name());
    }

    /**
     * Registers a scorer under a name (1–256 characters): version 1, or the next version if the name exists. The
     * scorer passed in is not changed; the registered one carries the name.
     *
     * @param scorer the scorer
     * @param name the name, unique in the experiment
     * @return the registered scorer
     * @throws InvalidInputException for a bad name or an experiment the store does not know
     */
    public RegisteredScorer register(Scorer scorer, String name) {
        return writer.register(scorer, name);
    }

    /**
     * Registers a scorer under its own name unless its latest version already has the same definition: idempotent,
     * so an application that registers its scorers at every start-up does not create a version per restart.
     *
     * @param scorer the scorer
     * @return the existing latest version (with its state and sampling), or a new version (stopped)
     * @see #registerOrGet(Scorer, String)
     */
    public RegisteredScorer registerOrGet(Scorer scorer) {
        return registerOrGet(scorer, Objects.requireNonNull(scorer, "scorer").name());
    }

    /**
     * Returns the latest version of {@code name} if its stored definition equals the scorer's, else registers the
     * scorer as the next version ({@link #register(Scorer, String)}). Either way this registry keeps the live
     * instance, so a lambda scorer ({@code Scorers.code}) runs in this process. A lambda's definition names its
     * runtime class, whose JVM-specific suffix ({@code $$Lambda/0x...}) is ignored in the comparison: its identity
     * is the class that declares it, so changing a lambda's body does not make a new version — use a named class
     * ({@code Scorers.ofClass}) for scorers whose versions matter.
     *
     * @param scorer the scorer
     * @param name the name
     * @return the existing or new registered scorer
     */
    public RegisteredScorer registerOrGet(Scorer scorer, String name) {
        return writer.registerOrGet(scorer, name);
    }

    // ---------------------------------------------------------------- lifecycle by name

    /**
     * Starts the latest version of a registered scorer.
     *
     * @param name the registered name
     * @param config the sampling configuration: rate in (0, 1], optional filter
     * @return the started scorer
     * @throws InvalidInputException if the scorer is not registered, the rate is 0, the filter does not parse or
     *     the active limit is reached
     */
    public RegisteredScorer start(String name, SamplingConfig config) {
        RegisteredScorer current = find(name).orElseThrow(() -> new InvalidInputException("cannot start scorer '"
                + name + "': it is not registered in experiment '" + experimentId
                + "'; register it first with register(scorer)"));
        return writer.start(current, config);
    }

    /**
     * Starts a scorer that must already be registered under its name (MLflow's {@code scorer.start()} on a
     * scorer object).
     *
     * @param scorer the scorer
     * @param config the sampling configuration
     * @return the started scorer
     * @throws InvalidInputException if no scorer of that name is registered
     */
    public RegisteredScorer start(Scorer scorer, SamplingConfig config) {
        return start(Objects.requireNonNull(scorer, "scorer").name(), config);
    }

    /**
     * Changes the sampling configuration of the latest version of a scorer.
     *
     * @param name the registered name
     * @param config the new configuration (rate 0 stops)
     * @return the updated scorer
     * @throws NotFoundException if the scorer is not registered (any more)
     */
    public RegisteredScorer update(String name, SamplingConfig config) {
        return writer.update(get(name), config);
    }

    /**
     * Stops the latest version of a scorer (rate 0, registration kept).
     *
     * @param name the registered name
     * @return the stopped scorer
     * @throws NotFoundException if the scorer is not registered
     */
    public RegisteredScorer stop(String name) {
        return writer.stop(name);
    }

    /**
     * Deletes every version of a scorer.
     *
     * @param name the registered name
     * @return how many versions were deleted (at least 1)
     * @throws NotFoundException {@code Scheduled scorer 'X' not found in experiment 'E'} if there is none
     */
    public int delete(String name) {
        return writer.delete(name);
    }

    /**
     * Deletes one version of a scorer.
     *
     * @param name the registered name
     * @param version the version
     * @throws NotFoundException if that version does not exist
     */
    public void delete(String name, int version) {
        writer.delete(name, version);
    }

    // ---------------------------------------------------------------- reads

    /**
     * @param name a registered name
     * @return its latest version
     * @throws NotFoundException {@code Scheduled scorer 'X' not found in experiment 'E'}
     */
    public RegisteredScorer get(String name) {
        return reader.get(name);
    }

    /**
     * @param name a registered name
     * @param version a version
     * @return that version
     * @throws NotFoundException if it does not exist, listing the versions that do
     */
    public RegisteredScorer get(String name, int version) {
        return reader.get(name, version);
    }

    /**
     * @param name a name
     * @return its latest version, or empty if the name is not registered
     */
    public Optional<RegisteredScorer> find(String name) {
        return reader.find(name);
    }

    /**
     * @param name a name
     * @return {@link ScorerState#UNREGISTERED} if no version is registered, else the latest version's state
     */
    public ScorerState stateOf(String name) {
        return find(name).map(RegisteredScorer::state).orElse(ScorerState.UNREGISTERED);
    }

    /** @return the latest version of every registered name, sorted by name */
    public List<RegisteredScorer> list() {
        return reader.list();
    }

    /**
     * @param name a registered name
     * @return all its versions, oldest first (empty if none)
     */
    public List<RegisteredScorer> versions(String name) {
        return reader.versions(name);
    }

    /**
     * What the engine runs: for each name, the highest version whose sample rate is above 0, with its live
     * scorer, sampling configuration and compiled filter. A stored filter that no longer parses is logged and
     * that scorer left out (it cannot be applied safely). Reads the store every call.
     *
     * @return the active scorers, sorted by name
     */
    public List<RegisteredScorer> active() {
        return reader.active();
    }

    /**
     * {@link #active()} at one level: the monitoring engine runs the {@link ScorerLevel#TRACE} ones, the session
     * monitor the {@link ScorerLevel#SESSION} ones.
     *
     * @param level the level
     * @return the active scorers of that level, sorted by name
     */
    public List<RegisteredScorer> active(ScorerLevel level) {
        Objects.requireNonNull(level, "level");
        return active().stream().filter(r -> r.level() == level).toList();
    }

    /** @return a counter that grows on every write made through this registry */
    public long revision() {
        return changes.revision();
    }

    /**
     * @param listener called (on the writing thread) after every write made through this registry; its failures
     *     are logged, never thrown to the writer
     */
    public void addListener(Runnable listener) {
        changes.add(listener);
    }

    /** @param listener a listener added before */
    public void removeListener(Runnable listener) {
        changes.remove(listener);
    }

    /** Builds a {@link ScorerRegistry}; every setter validates on the spot. */
    public static final class Builder {
        private final ScorerStore store;
        private final String experimentId;
        private int maxActive = DEFAULT_MAX_ACTIVE;
        private Clock clock = Clock.systemUTC();
        private BiFunction<String, ScorerDefinition, Scorer> decoder = ScorerCodecs::decode;

        private Builder(ScorerStore store, String experimentId) {
            this.store = Objects.requireNonNull(store, "store");
            if (experimentId == null || experimentId.isEmpty()) {
                throw new InvalidInputException("a scorer registry needs an experiment id");
            }
            this.experimentId = experimentId;
        }

        /**
         * @param limit the most scorers that may be active at once, ≥ 1 (default 20)
         * @return this
         */
        public Builder maxActive(int limit) {
            if (limit < 1) {
                throw new InvalidInputException("the active scorer limit must be at least 1, got " + limit);
            }
            this.maxActive = limit;
            return this;
        }

        /**
         * @param clock the clock stamping registrations and changes
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param decoder rebuilds a stored scorer from (name, definition); {@link ScorerCodecs#decode} by default
         * @return this
         */
        public Builder decoder(BiFunction<String, ScorerDefinition, Scorer> decoder) {
            this.decoder = Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        /** @return the registry */
        public ScorerRegistry build() {
            return new ScorerRegistry(this);
        }
    }
}
