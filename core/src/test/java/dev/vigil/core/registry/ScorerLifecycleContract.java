package dev.vigil.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.scorer.LengthScorer;
import dev.vigil.core.scorer.ScorerResults;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every lifecycle example of MLflow's production-monitoring guide, done with the Java API against a real store.
 * A store module runs it by extending this class with {@link #openStore()}.
 */
abstract class ScorerLifecycleContract {

    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

    protected Store store;
    protected String experimentId;
    protected ScorerRegistry registry;

    /** @return a fresh, empty store */
    protected abstract Store openStore();

    @BeforeEach
    void open() {
        store = openStore();
        experimentId = store.experiments().getOrCreate("monitoring").experimentId();
        registry = ScorerRegistry.builder(store.scorers(), experimentId).clock(Clock.fixed(T0, ZoneOffset.UTC))
                .build();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** MLflow's {@code Safety()} stands in as a plain code scorer here: the lifecycle does not depend on the kind. */
    private static Scorer safety() {
        return Scorers.code("safety", in -> !in.outputText().contains("unsafe"));
    }

    private static Scorer responseLength() {
        return Scorers.code("response_length", in -> String.valueOf(in.output("response")).length(), "mean", "min",
                "max");
    }

    // safety_judge = Safety().register(name="my_safety_judge")
    // safety_judge = safety_judge.start(sampling_config=ScorerSamplingConfig(sample_rate=0.7))
    @Test
    void registerThenStart_atSevenTenths_isActive() {
        RegisteredScorer registered = registry.register(safety(), "my_safety_judge");
        assertThat(registered.version()).isEqualTo(1);
        assertThat(registered.state()).isEqualTo(ScorerState.STOPPED);
        assertThat(registered.sampleRate()).isZero();

        RegisteredScorer started = registered.start(SamplingConfig.of(0.7));
        assertThat(started.sampleRate()).isEqualTo(0.7);
        assertThat(started.state()).isEqualTo(ScorerState.ACTIVE);
        assertThat(started.name()).isEqualTo("my_safety_judge");
        assertThat(started.scorer().name()).isEqualTo("my_safety_judge");
        assertThat(registry.get("my_safety_judge").sampleRate()).isEqualTo(0.7);
        assertThat(registered.sampleRate()).as("the receiver never changes").isZero();
    }

    // safety_judge = Safety().register(name="safety_check"); .start(1.0); .update(0.8); .stop();
    // delete_scorer(name="safety_check")
    @Test
    void basicLifecycle_startUpdateStopDelete() {
        RegisteredScorer judge = registry.register(safety(), "safety_check");
        judge = judge.start(SamplingConfig.of(1.0));
        assertThat(registry.get("safety_check").sampleRate()).isEqualTo(1.0);
        judge = judge.update(SamplingConfig.of(0.8));
        assertThat(judge.sampleRate()).isEqualTo(0.8);
        assertThat(registry.get("safety_check").sampleRate()).isEqualTo(0.8);
        judge = judge.stop();
        assertThat(judge.sampleRate()).isZero();
        assertThat(judge.state()).isEqualTo(ScorerState.STOPPED);
        assertThat(registry.get("safety_check").state()).isEqualTo(ScorerState.STOPPED);

        assertThat(registry.delete("safety_check")).isEqualTo(1);
        assertThat(registry.stateOf("safety_check")).isEqualTo(ScorerState.UNREGISTERED);
        assertThat(registry.list()).isEmpty();
        assertThatThrownBy(() -> registry.get("safety_check")).isInstanceOf(NotFoundException.class)
                .hasMessage("Scheduled scorer 'safety_check' not found in experiment '" + experimentId + "'");
    }

    // length_scorer = response_length.register(name="length_check"); .start(0.5)
    @Test
    void customScorerLifecycle_registersWithItsAggregations_andScores() throws Exception {
        RegisteredScorer length = registry.register(responseLength(), "length_check")
                .start(SamplingConfig.of(0.5));
        assertThat(length.sampleRate()).isEqualTo(0.5);
        assertThat(length.scorer().aggregations()).extracting(a -> a.name()).containsExactly("mean", "min", "max");
        ScorerInput input = ScorerInput.ofRecord(Map.of("q", "hi"), Map.of("response", "hello"), null);
        List<Feedback> out = ScorerResults.score(length.scorer(), input);
        assertThat(out).extracting(Feedback::name, Feedback::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("length_check", 5L));
    }

    // all_scorers = list_scorers(); print(f"{scorer.name} is active" / "is stopped")
    @Test
    void list_printsActiveAndStoppedScorers() {
        registry.register(safety(), "safety").start(SamplingConfig.of(1.0));
        registry.register(Scorers.code("english", in -> true), "english_check").start(SamplingConfig.of(0.5));
        registry.register(responseLength());
        List<String> printed = new ArrayList<>();
        for (RegisteredScorer scorer : registry.list()) {
            printed.add(scorer.sampleRate() > 0 ? scorer.name() + " is active" : scorer.name() + " is stopped");
        }
        assertThat(printed).containsExactly("english_check is active", "response_length is stopped",
                "safety is active");
    }

    // for scorer in list_scorers(): print name, sample rate, filter
    @Test
    void list_showsNameRateAndFilter() {
        registry.register(safety(), "safety").start(SamplingConfig.of(0.25, "tags.env = 'prod'"));
        RegisteredScorer only = registry.list().get(0);
        assertThat(List.of(only.name(), only.sampleRate(), only.filterString()))
                .containsExactly("safety", 0.25, "tags.env = 'prod'");
        assertThat(only.filter()).isEqualTo(TraceFilter.parse("tags.env = 'prod'"));
    }

    // safety_judge = get_scorer(name="safety_monitor"); updated_judge = safety_judge.update(0.8)
    @Test
    void getAndUpdate_leavesTheOriginalUnchanged() {
        registry.register(safety(), "safety_monitor").start(SamplingConfig.of(0.5));
        RegisteredScorer judge = registry.get("safety_monitor");
        RegisteredScorer updated = judge.update(SamplingConfig.of(0.8));
        assertThat(judge.sampleRate()).isEqualTo(0.5);
        assertThat(updated.sampleRate()).isEqualTo(0.8);
        assertThat(registry.get("safety_monitor").sampleRate()).isEqualTo(0.8);
    }

    // stopped_scorer = databricks_scorer.stop(); print(stopped_scorer.sample_rate) -> 0
    // restarted_scorer = stopped_scorer.start(ScorerSamplingConfig(sample_rate=0.5))
    @Test
    void stop_keepsTheRegistration_andAStoppedScorerCanBeRestarted() {
        registry.register(Scorers.code("mentions", in -> in.outputText().contains("Databricks")),
                "databricks_mentions").start(SamplingConfig.of(0.9, "span.type = 'LLM'"));
        RegisteredScorer scorer = registry.get("databricks_mentions");
        RegisteredScorer stopped = scorer.stop();
        assertThat(stopped.sampleRate()).isZero();
        assertThat(stopped.filterString()).as("stop keeps the filter").isEqualTo("span.type = 'LLM'");
        assertThat(registry.stateOf("databricks_mentions")).isEqualTo(ScorerState.STOPPED);
        assertThat(registry.active()).isEmpty();

        RegisteredScorer restarted = stopped.start(SamplingConfig.of(0.5));
        assertThat(restarted.sampleRate()).isEqualTo(0.5);
        assertThat(restarted.state()).isEqualTo(ScorerState.ACTIVE);
        assertThat(registry.active()).extracting(RegisteredScorer::name).containsExactly("databricks_mentions");
    }

    // delete_scorer(name=databricks_scorer.name)
    @Test
    void delete_removesTheScorerFromTheExperiment() {
        RegisteredScorer s = registry.register(safety(), "databricks_mentions").start(SamplingConfig.of(0.5));
        registry.delete(s.name());
        assertThat(registry.list()).isEmpty();
        assertThat(registry.active()).isEmpty();
        assertThatThrownBy(() -> registry.delete("databricks_mentions")).isInstanceOf(NotFoundException.class)
                .hasMessage("Scheduled scorer 'databricks_mentions' not found in experiment '" + experimentId + "'");
    }

    // original_judge = Safety().register(name="safety").start(0.3); updated_judge = original_judge.update(0.8)
    // print(f"Original: {original_judge.sample_rate}")  # 0.3;  print(f"Updated: {updated_judge.sample_rate}")  # 0.8
    @Test
    void immutability_printsOriginalPointThreeAndUpdatedPointEight() {
        RegisteredScorer original = registry.register(safety(), "safety");
        original = original.start(SamplingConfig.of(0.3));
        RegisteredScorer updated = original.update(SamplingConfig.of(0.8));
        assertThat("Original: " + original.sampleRate()).isEqualTo("Original: 0.3");
        assertThat("Updated: " + updated.sampleRate()).isEqualTo("Updated: 0.8");
    }

    @Test
    void registeringAnExistingName_createsTheNextVersion_stopped() {
        RegisteredScorer v1 = registry.register(safety()).start(SamplingConfig.of(0.4));
        RegisteredScorer v2 = registry.register(Scorers.code("safety", in -> false));
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.state()).isEqualTo(ScorerState.STOPPED);
        assertThat(registry.get("safety").version()).isEqualTo(2);
        assertThat(registry.get("safety", 1).sampleRate()).isEqualTo(0.4);
        assertThat(registry.versions("safety")).extracting(RegisteredScorer::version).containsExactly(1, 2);
        // until version 2 is started, the engine keeps running version 1
        assertThat(registry.active()).extracting(RegisteredScorer::version).containsExactly(1);
        v2.start(SamplingConfig.of(0.6));
        assertThat(registry.active()).extracting(RegisteredScorer::version, RegisteredScorer::sampleRate)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 0.6));
        registry.delete("safety", 2);
        assertThat(registry.versions("safety")).extracting(RegisteredScorer::version).containsExactly(1);
        assertThatThrownBy(() -> registry.get("safety", 2)).isInstanceOf(NotFoundException.class)
                .hasMessage("Scheduled scorer 'safety' version 2 not found in experiment '" + experimentId
                        + "' (versions: 1)");
    }

    @Test
    void active_givesTheEngineLiveScorersWithSamplingAndCompiledFilter() throws Exception {
        registry.register(safety()).start(SamplingConfig.of(0.2, "tags.env = 'prod'"));
        registry.register(responseLength());
        List<RegisteredScorer> active = registry.active();
        assertThat(active).hasSize(1);
        RegisteredScorer a = active.get(0);
        assertThat(a.name()).isEqualTo("safety");
        assertThat(a.version()).isEqualTo(1);
        assertThat(a.sampling()).isEqualTo(SamplingConfig.of(0.2, "tags.env = 'prod'"));
        assertThat(a.filter().toFilterString()).isEqualTo("tags.env = 'prod'");
        assertThat(a.scorer().score(ScorerInput.ofRecord("q", "fine", null))).isEqualTo(true);
    }

    @Test
    void revisionAndListeners_announceEveryWrite() {
        AtomicInteger calls = new AtomicInteger();
        registry.addListener(calls::incrementAndGet);
        registry.addListener(() -> {
            throw new IllegalStateException("a failing listener never breaks a write");
        });
        long r0 = registry.revision();
        RegisteredScorer s = registry.register(safety()).start(SamplingConfig.of(0.5)).stop();
        registry.delete(s.name());
        assertThat(registry.revision()).isEqualTo(r0 + 4);
        assertThat(calls).hasValue(4);
    }

    @Test
    void activeLimit_the21stStartFails_namingTheLimitAndTheActiveScorers() {
        for (int i = 0; i < ScorerRegistry.DEFAULT_MAX_ACTIVE; i++) {
            registry.register(Scorers.code(String.format("s%02d", i), in -> 1)).start(SamplingConfig.of(0.1));
        }
        RegisteredScorer extra = registry.register(Scorers.code("s20", in -> 1));
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> extra.start(SamplingConfig.of(0.1)));
        assertThat(e).hasMessageStartingWith("cannot start scorer 's20': experiment '" + experimentId
                + "' already has 20 active scorers, the limit is 20 (active: s00, s01, s02")
                .hasMessageContaining("s19)");
        assertThat(registry.stateOf("s20")).isEqualTo(ScorerState.STOPPED);
        // updating an active one is still allowed, and stopping one makes room
        registry.update("s03", SamplingConfig.of(0.3));
        registry.stop("s00");
        assertThat(extra.start(SamplingConfig.of(0.1)).state()).isEqualTo(ScorerState.ACTIVE);
    }

    @Test
    void activeLimit_isConfigurable() {
        ScorerRegistry two = ScorerRegistry.builder(store.scorers(), experimentId).maxActive(2).build();
        two.register(Scorers.code("a", in -> 1)).start(SamplingConfig.of(1));
        two.register(Scorers.code("b", in -> 1)).start(SamplingConfig.of(1));
        RegisteredScorer c = two.register(Scorers.code("c", in -> 1));
        assertThatThrownBy(() -> c.start(SamplingConfig.of(1))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the limit is 2 (active: a, b)");
        assertThatThrownBy(() -> ScorerRegistry.builder(store.scorers(), experimentId).maxActive(0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 1, got 0");
    }

    @Test
    void startingAnUnregisteredScorer_saysToRegisterItFirst() {
        assertThatThrownBy(() -> registry.start(safety(), SamplingConfig.of(0.5)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("cannot start scorer 'safety': it is not registered in experiment '" + experimentId
                        + "'; register it first with register(scorer)");
        assertThat(registry.stateOf("safety")).isEqualTo(ScorerState.UNREGISTERED);
    }

    @Test
    void updatingADeletedScorer_saysItWasDeleted() {
        RegisteredScorer s = registry.register(safety()).start(SamplingConfig.of(0.5));
        registry.delete("safety");
        assertThatThrownBy(() -> s.update(SamplingConfig.of(0.9))).isInstanceOf(NotFoundException.class)
                .hasMessage("cannot update scorer 'safety' version 1: it was deleted from experiment '"
                        + experimentId + "'; register it again to use it");
        RegisteredScorer deleted = registry.register(safety()).delete();
        assertThat(deleted.state()).isEqualTo(ScorerState.DELETED);
        assertThatThrownBy(() -> deleted.update(SamplingConfig.of(0.9))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cannot update scorer 'safety' version 1: it was deleted");
        assertThatThrownBy(() -> registry.update("safety", SamplingConfig.of(0.9)))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("Scheduled scorer 'safety' not found in experiment '" + experimentId + "'");
    }

    @Test
    void badRates_andZeroStart_areRejectedWithTheAllowedRange() {
        RegisteredScorer s = registry.register(safety());
        for (double bad : new double[] {-0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> s.start(SamplingConfig.of(bad))).isInstanceOf(InvalidInputException.class)
                    .hasMessage("sample rate must be a number in [0, 1], got " + bad);
        }
        assertThatThrownBy(() -> s.start(SamplingConfig.of(0.0))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("with sample rate 0; a started scorer samples at a rate in (0, 1]");
    }

    @Test
    void aBadFilterString_isRejectedWithItsColumn_andNothingIsWritten() {
        RegisteredScorer s = registry.register(safety());
        assertThatThrownBy(() -> s.start(SamplingConfig.of(0.5, "tags.env = prod")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("scorer 'safety' has an invalid filter string: invalid filter at column 12: "
                        + "expected a value");
        assertThat(registry.get("safety").state()).isEqualTo(ScorerState.STOPPED);
    }

    @Test
    void twoWriters_theStaleOneGetsAConflict_andNoUpdateIsLost() {
        registry.register(safety()).start(SamplingConfig.of(0.5));
        RegisteredScorer writerA = registry.get("safety");
        RegisteredScorer writerB = registry.get("safety");
        writerA.update(SamplingConfig.of(0.9));
        StaleWriteException e = catchThrowableOfType(StaleWriteException.class,
                () -> writerB.update(SamplingConfig.of(0.1)));
        assertThat(e).hasMessageStartingWith("cannot update scorer 'safety' version 1 in experiment '" + experimentId
                + "': another writer changed it after this instance was read (at revision " + writerB.revision()
                + "); nothing was written");
        assertThat(registry.get("safety").sampleRate()).isEqualTo(0.9);
        // re-reading and retrying works
        assertThat(registry.get("safety").update(SamplingConfig.of(0.1)).sampleRate()).isEqualTo(0.1);
    }

    @Test
    void names_areValidated() {
        assertThatThrownBy(() -> registry.register(safety(), "")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("scorer names are 1–256 characters");
        assertThatThrownBy(() -> registry.register(safety(), "x".repeat(257)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("got 257 characters");
        assertThat(registry.register(safety(), "x".repeat(256)).name()).hasSize(256);
    }

    @Test
    void aLambdaScorer_readByAnotherRegistry_failsEachScoreWithTheReason() {
        registry.register(safety()).start(SamplingConfig.of(1));
        ScorerRegistry otherProcess = ScorerRegistry.of(store, experimentId);
        RegisteredScorer seen = otherProcess.active().get(0);
        List<Feedback> out = ScorerResults.score(seen.scorer(), ScorerInput.ofRecord("q", "a", null));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).error().message()).contains("scorer 'safety' cannot run in this process")
                .contains("was made with Scorers.code from a lambda");
    }

    @Test
    void aClassScorer_isRebuiltByAnotherRegistry() throws Exception {
        registry.register(Scorers.ofClass("length", LengthScorer.class)).start(SamplingConfig.of(1));
        ScorerRegistry otherProcess = ScorerRegistry.of(store, experimentId);
        RegisteredScorer seen = otherProcess.get("length");
        assertThat(seen.scorer()).isNotSameAs(registry.get("length").scorer());
        assertThat(seen.scorer().score(ScorerInput.ofRecord("q", "four", null))).isEqualTo(4);
    }
}
