package dev.vigil.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vigil.core.scorer.ScorerCodecs;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.session.SessionScorer;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.session.CountingSessionScorer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A registered scorer's level, decided from the scorer, survives storage and splits {@code active()}. */
class ScorerLevelTest {
    Store store;
    String exp;

    @BeforeEach
    void open() {
        store = Stores.open("memory:");
        exp = store.experiments().getOrCreate("levels").experimentId();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void level_roundTripsThroughTheStore_andSplitsTheActiveScorers() {
        ScorerRegistry writer = ScorerRegistry.of(store, exp);
        writer.register(Scorers.ofClass(CountingSessionScorer.NAME, CountingSessionScorer.class))
                .start(SamplingConfig.of(1.0));
        writer.register(Scorers.code("length", in -> in.outputText().length())).start(SamplingConfig.of(1.0));
        assertThat(writer.get("turns").level()).isEqualTo(ScorerLevel.SESSION);

        ScorerRegistry reader = ScorerRegistry.of(store, exp); // rebuilds "turns" from its class
        RegisteredScorer turns = reader.get("turns");
        assertThat(turns.level()).isEqualTo(ScorerLevel.SESSION);
        assertThat(turns.sessionScorer().name()).isEqualTo("turns");
        assertThat(reader.active(ScorerLevel.SESSION)).extracting(RegisteredScorer::name).containsExactly("turns");
        assertThat(reader.active(ScorerLevel.TRACE)).extracting(RegisteredScorer::name).containsExactly("length");
        assertThat(writer.get("length").level()).isEqualTo(ScorerLevel.TRACE);
        assertThat(catchThrowable(() -> writer.get("length").sessionScorer()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("trace-level scorer");
    }

    @Test
    void renamedRegistration_keepsTheSessionAbility() {
        ScorerRegistry writer = ScorerRegistry.of(store, exp);
        writer.register(Scorers.ofClass(CountingSessionScorer.NAME, CountingSessionScorer.class), "conversation_turns");
        RegisteredScorer r = ScorerRegistry.of(store, exp).get("conversation_turns");
        assertThat(r.level()).isEqualTo(ScorerLevel.SESSION);
        SessionScorer s = r.sessionScorer();
        assertThat(s.name()).isEqualTo("conversation_turns");
    }

    @Test
    void aFilterOnASessionScorer_isRefused_notIgnored() {
        ScorerRegistry registry = ScorerRegistry.of(store, exp);
        registry.register(Scorers.ofClass(CountingSessionScorer.NAME, CountingSessionScorer.class));
        assertThatThrownBy(() -> registry.start("turns", SamplingConfig.of(1.0, "tags.env = 'prod'")))
                .isInstanceOf(dev.vigil.spi.InvalidInputException.class)
                .hasMessageContaining("scores whole sessions").hasMessageContaining("tags.env = 'prod'");
        registry.start("turns", SamplingConfig.of(0.5));
        assertThatThrownBy(() -> registry.update("turns", SamplingConfig.of(0.5, "status = 'OK'")))
                .hasMessageContaining("sampled by session id");
        assertThat(registry.get("turns").sampleRate()).isEqualTo(0.5);
    }

    @Test
    void codecDefault_decodesAndAsksTheScorer() {
        ScorerDefinition session = new ScorerDefinition("java", Map.of("class", CountingSessionScorer.class.getName()));
        ScorerDefinition trace = new ScorerDefinition("java", Map.of("class", TraceOnly.class.getName()));
        assertThat(ScorerCodecs.codec("java").sessionLevel(session)).isTrue();
        assertThat(ScorerCodecs.codec("java").sessionLevel(trace)).isFalse();
    }

    /** A trace scorer. */
    public static final class TraceOnly implements dev.vigil.core.scorer.CodeScorer {
        /** Needed by the codec. */
        public TraceOnly() {}

        @Override
        public Object score(dev.vigil.spi.scorer.ScorerInput input) {
            return 1;
        }
    }
}
