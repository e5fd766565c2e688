package dev.vigil.core.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ScorersTest {

    private static final ScorerInput INPUT = ScorerInput.ofRecord(Map.of("query", "What is Vigil?"),
            Map.of("response", "Vigil scores traces, please"), Map.of());

    @Test
    void code_scoresInOneLine_withMeanByDefault() throws Exception {
        Scorer s = Scorers.code("response_length", in -> in.outputText().length());
        assertThat(s.name()).isEqualTo("response_length");
        assertThat(s.score(INPUT)).isEqualTo(INPUT.outputText().length());
        assertThat(s.aggregations()).containsExactly(Aggregation.MEAN);
        assertThat(s.source()).isEqualTo(AssessmentSource.code("response_length"));
        assertThat(s.workload()).isEqualTo(Scorer.Workload.CPU);
    }

    @Test
    void code_takesDeclaredAggregations_byNameOrFunction() {
        Scorer named = Scorers.code("len", in -> 1, "mean", "min", "max", "median", "variance", "p90");
        assertThat(named.aggregations()).extracting(Aggregation::name)
                .containsExactly("mean", "min", "max", "median", "variance", "p90");
        Aggregation range = Aggregation.of("range", v -> Aggregation.MAX.apply(v) - Aggregation.MIN.apply(v));
        Scorer custom = Scorers.code("len", in -> 1, range);
        assertThat(custom.aggregations()).containsExactly(range);
        assertThat(custom.aggregations().get(0).apply(new double[] {3, 9, 4})).isEqualTo(6.0);
        assertThat(custom.definition().config().get(Scorers.AGGREGATIONS_KEY)).isEqualTo(List.of("range"));
    }

    @Test
    void code_rejectsUnknownAggregation_andBadNames() {
        assertThatThrownBy(() -> Scorers.code("len", in -> 1, "average")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown aggregation 'average'");
        assertThatThrownBy(() -> Scorers.code("", in -> 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("1–256 characters");
        assertThatThrownBy(() -> Scorers.code("x".repeat(257), in -> 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("got 257 characters");
        assertThatThrownBy(() -> Scorers.code("len", in -> 1, List.of())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one aggregation");
    }

    @Test
    void lambdaScorer_definition_isJavaKindMarkedAsLambda_andCannotBeRebuilt() {
        Scorer s = Scorers.code("mentions_vigil", in -> in.outputText().contains("Vigil"));
        ScorerDefinition d = s.definition();
        assertThat(d.kind()).isEqualTo("java");
        assertThat(d.config()).containsKey(Scorers.LAMBDA_KEY).doesNotContainKey(Scorers.CLASS_KEY);
        assertThatThrownBy(() -> ScorerCodecs.decode("mentions_vigil", d)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("scorer 'mentions_vigil' was made with Scorers.code from a lambda")
                .hasMessageContaining("Scorers.ofClass(\"mentions_vigil\", MyScorer.class)");
    }

    @Test
    void ofClass_codeScorer_isStoredByClassName_andRebuiltByTheCodec() throws Exception {
        Scorer s = Scorers.ofClass("length", LengthScorer.class);
        assertThat(s.definition()).isEqualTo(new ScorerDefinition("java", Map.of("class", LengthScorer.class.getName())));
        assertThat(s.aggregations()).containsExactly(Aggregation.MIN, Aggregation.MAX);
        Scorer rebuilt = ScorerCodecs.decode("length_v2", s.definition());
        assertThat(rebuilt.name()).isEqualTo("length_v2");
        assertThat(rebuilt.score(INPUT)).isEqualTo(s.score(INPUT)).isEqualTo(INPUT.outputText().length());
        assertThat(rebuilt.definition()).isEqualTo(s.definition());
    }

    @Test
    void ofClass_fullScorer_takesTheRegisteredName() throws Exception {
        Scorer s = ScorerCodecs.decode("polite", new ScorerDefinition("java",
                Map.of("class", PolitenessScorer.class.getName())));
        assertThat(s.name()).isEqualTo("polite");
        assertThat(s.source()).isEqualTo(AssessmentSource.code("polite"));
        assertThat(ScorerResults.normalize(s, s.score(INPUT))).extracting(Feedback::name, Feedback::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("polite", "yes"));
    }

    @Test
    void javaCodec_explainsWhatIsWrong() {
        assertThatThrownBy(() -> ScorerCodecs.decode("x", new ScorerDefinition("java", Map.of("class", "com.nope.Missing"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("names class com.nope.Missing, which cannot be loaded");
        assertThatThrownBy(() -> ScorerCodecs.decode("x", new ScorerDefinition("java", Map.of("class", "java.lang.String"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("implements neither dev.vigil.core.scorer.CodeScorer nor dev.vigil.spi.scorer.Scorer");
        assertThatThrownBy(() -> Scorers.ofClass("x", NoDefaultConstructorScorer.class))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs a public no-arg constructor");
        assertThatThrownBy(() -> ScorerCodecs.decode("x", new ScorerDefinition("java", Map.of())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("has no \"class\"");
    }

    @Test
    void unknownKind_namesTheModuleProvidingIt() {
        assertThatThrownBy(() -> ScorerCodecs.decode("x", new ScorerDefinition("python", Map.of("source", "..."))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no scorer codec for kind 'python'")
                .hasMessageContaining("provided by dev.vigil:vigil-python")
                .hasMessageContaining("Available kinds: java");
        assertThatThrownBy(() -> ScorerCodecs.decode("x", new ScorerDefinition("judge", Map.of())))
                .hasMessageContaining("provided by dev.vigil:vigil-judges");
        assertThatThrownBy(() -> ScorerCodecs.decode("x", new ScorerDefinition("rust", Map.of())))
                .hasMessageContaining("no Vigil module provides it (known kinds: java, python, judge)");
    }

    @Test
    void javaCodec_isAServiceProvider() {
        List<String> kinds = new ArrayList<>();
        for (ScorerCodec c : ServiceLoader.load(ScorerCodec.class)) {
            kinds.add(c.kind());
        }
        assertThat(kinds).contains("java");
        assertThat(ScorerCodecs.kinds()).contains("java");
    }

    @Test
    void renamed_keepsBehaviour_andMovesACodeSource() throws Exception {
        Scorer s = Scorers.code("a", in -> true);
        Scorer r = Scorers.renamed(s, "b");
        assertThat(r.name()).isEqualTo("b");
        assertThat(r.score(INPUT)).isEqualTo(true);
        assertThat(r.source()).isEqualTo(AssessmentSource.code("b"));
        assertThat(Scorers.renamed(r, "a")).isSameAs(s);
        assertThat(Scorers.renamed(s, "a")).isSameAs(s);
        Scorer judge = new Scorer() {
            @Override
            public String name() {
                return "j";
            }

            @Override
            public Object score(ScorerInput input) {
                return null;
            }

            @Override
            public ScorerDefinition definition() {
                return new ScorerDefinition("judge", Map.of());
            }

            @Override
            public AssessmentSource source() {
                return AssessmentSource.llmJudge("openai:/gpt-4o");
            }
        };
        assertThat(Scorers.renamed(judge, "k").source().type()).isEqualTo(AssessmentSourceType.LLM_JUDGE);
    }
}
