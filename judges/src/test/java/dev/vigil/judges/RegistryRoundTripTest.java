package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.scorer.ScorerCodecs;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Judges registered with the engine's registry come back from the store equal, through the codec it finds. */
class RegistryRoundTripTest {

    @Test
    void engineFindsTheJudgeCodecByServiceLoader() {
        assertThat(ScorerCodecs.kinds()).contains("judge");
        LlmJudge english = Judges.guidelines("english", List.of("The response must be in English"))
                .model("databricks:/databricks-gpt-oss-20b").runtime(JudgeCodecTest.RUNTIME).build();
        Scorer back = ScorerCodecs.decode("english", english.definition());
        assertThat(back).isEqualTo(english);
    }

    @Test
    void registeredJudges_areReadBackFromTheStoreEqual() {
        try (Store store = Stores.open("memory:")) {
            String exp = store.experiments().getOrCreate("judges").experimentId();
            ScorerRegistry writer = ScorerRegistry.of(store, exp);
            List<LlmJudge> judges = JudgeCodecTest.everyKind();
            for (LlmJudge j : judges) {
                writer.register(j);
            }
            // A fresh registry, as after a restart: every judge is rebuilt from its stored definition.
            ScorerRegistry reader = ScorerRegistry.builder(store.scorers(), exp)
                    .decoder(new JudgeCodec(JudgeCodecTest.RUNTIME)::decode).build();
            for (LlmJudge j : judges) {
                Scorer back = reader.get(j.name()).scorer();
                assertThat(back).as(j.name()).isEqualTo(j);
            }
        }
    }
}
