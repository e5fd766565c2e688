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

    @Test
    void judgesLevel_isToldByTheCodecFromTheDefinition_andKeptByTheRegistry() {
        List<LlmJudge> session = List.of(Judges.userFrustration(), Judges.conversationCompleteness(),
                Judges.conversationalSafety(), Judges.knowledgeRetention(), Judges.conversationalToolCallEfficiency(),
                Judges.template("politeness", "Is the assistant polite throughout {{ conversation }}?",
                        Judges.ValueType.BOOL)).stream()
                .map(b -> b.model("openai:/gpt-4o-mini").runtime(JudgeCodecTest.RUNTIME).build()).toList();
        List<LlmJudge> trace = List.of(Judges.safety(), Judges.correctness(),
                Judges.template("polite_answer", "Is {{ outputs }} polite?", Judges.ValueType.BOOL)).stream()
                .map(b -> b.model("openai:/gpt-4o-mini").runtime(JudgeCodecTest.RUNTIME).build()).toList();
        JudgeCodec codec = new JudgeCodec(JudgeCodecTest.RUNTIME);
        try (Store store = Stores.open("memory:")) {
            String exp = store.experiments().getOrCreate("judges").experimentId();
            ScorerRegistry writer = ScorerRegistry.of(store, exp);
            session.forEach(writer::register);
            trace.forEach(writer::register);
            ScorerRegistry reader = ScorerRegistry.of(store, exp); // rebuilt through the ServiceLoader codec
            for (LlmJudge j : session) {
                assertThat(codec.sessionLevel(j.definition())).as(j.name()).isTrue();
                assertThat(reader.get(j.name()).level()).as(j.name())
                        .isEqualTo(dev.vigil.core.registry.ScorerLevel.SESSION);
                assertThat(reader.get(j.name()).sessionScorer().name()).isEqualTo(j.name());
            }
            for (LlmJudge j : trace) {
                assertThat(codec.sessionLevel(j.definition())).as(j.name()).isFalse();
                assertThat(reader.get(j.name()).level()).as(j.name())
                        .isEqualTo(dev.vigil.core.registry.ScorerLevel.TRACE);
            }
            // registered under another name, a conversation judge keeps its level
            writer.register(session.get(0), "frustration_v2");
            assertThat(ScorerRegistry.of(store, exp).get("frustration_v2").level())
                    .isEqualTo(dev.vigil.core.registry.ScorerLevel.SESSION);
        }
    }
}
