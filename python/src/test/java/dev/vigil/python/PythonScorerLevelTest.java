package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.registry.ScorerLevel;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.ScorerCodecs;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import org.junit.jupiter.api.Test;

/**
 * The registry's level of Python scorers with the codec's default {@code sessionLevel} (the codec does not override
 * it): a function taking {@code session} is a session scorer, under its own name or another.
 */
class PythonScorerLevelTest {
    static final String SESSION = """
            from mlflow.genai.scorers import scorer

            @scorer
            def turns(session):
                return len(session)
            """;
    static final String TRACE = """
            from mlflow.genai.scorers import scorer

            @scorer
            def length(outputs):
                return len(str(outputs))
            """;

    @Test
    void pythonSessionScorer_isSessionLevel_inTheCodecAndTheRegistry() {
        PythonScorer turns = TestSandboxes.scorer("turns", SESSION, Isolation.IN_PROCESS);
        PythonScorer length = TestSandboxes.scorer("length", TRACE, Isolation.IN_PROCESS);
        assertThat(ScorerCodecs.codec("python").sessionLevel(turns.definition())).isTrue();
        assertThat(ScorerCodecs.codec("python").sessionLevel(length.definition())).isFalse();
        try (Store store = Stores.open("memory:")) {
            String exp = store.experiments().getOrCreate("py").experimentId();
            ScorerRegistry writer = ScorerRegistry.of(store, exp);
            writer.register(turns);
            writer.register(turns, "conversation_turns");
            writer.register(length);
            ScorerRegistry reader = ScorerRegistry.of(store, exp); // rebuilt from the stored source
            assertThat(reader.get("turns").level()).isEqualTo(ScorerLevel.SESSION);
            assertThat(reader.get("conversation_turns").level()).isEqualTo(ScorerLevel.SESSION);
            assertThat(reader.get("conversation_turns").sessionScorer().name()).isEqualTo("conversation_turns");
            assertThat(reader.get("length").level()).isEqualTo(ScorerLevel.TRACE);
        }
    }
}
