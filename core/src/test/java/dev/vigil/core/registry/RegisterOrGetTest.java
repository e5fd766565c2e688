package dev.vigil.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegisterOrGetTest {

    Store store;
    String experimentId;

    @BeforeEach
    void open() {
        store = Stores.open("memory:");
        experimentId = store.experiments().getOrCreate("shop").experimentId();
    }

    @AfterEach
    void close() {
        store.close();
    }

    static Scorer concise() {
        return Scorers.code("concise", in -> in.outputText().length() < 800);
    }

    @Test
    void registerOrGet_atEveryStartUp_keepsOneVersionAndItsState() throws Exception {
        ScorerRegistry first = ScorerRegistry.of(store, experimentId);
        RegisteredScorer v1 = first.registerOrGet(concise());
        assertThat(v1.version()).isEqualTo(1);
        v1.start(SamplingConfig.of(0.5));

        // a restart: a new registry, a new lambda instance (another runtime class name suffix)
        ScorerRegistry restarted = ScorerRegistry.of(store, experimentId);
        RegisteredScorer again = restarted.registerOrGet(concise());
        assertThat(again.version()).isEqualTo(1);
        assertThat(again.state()).isEqualTo(ScorerState.ACTIVE);
        assertThat(again.sampleRate()).isEqualTo(0.5);
        assertThat(restarted.versions("concise")).hasSize(1);
        // and this process can run the lambda
        assertThat(again.scorer().score(ScorerInput.ofRecord(Map.of("q", "x"), "short", null))).isEqualTo(true);
    }

    @Test
    void registerOrGet_withAnotherDefinition_registersTheNextVersion() {
        ScorerRegistry registry = ScorerRegistry.of(store, experimentId);
        registry.registerOrGet(concise());
        RegisteredScorer v2 = registry.registerOrGet(
                Scorers.code("concise", in -> in.outputText().length() < 800, "max"));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(registry.registerOrGet(Scorers.code("concise", in -> true, "max")).version()).isEqualTo(2);
    }

    @Test
    void register_stillCreatesAVersionEachTime() {
        ScorerRegistry registry = ScorerRegistry.of(store, experimentId);
        registry.register(concise());
        assertThat(registry.register(concise()).version()).isEqualTo(2);
    }
}
