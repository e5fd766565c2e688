package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.scorer.ScorerInput;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sources written the MLflow way: the decorated function registered and started in the same file. */
class SnippetRegistrationTest {

    private static PythonScorer scorer(String name, String source) {
        return TestSandboxes.scorer(name, source, Isolation.IN_PROCESS);
    }

    @Test
    void registerAndStartAssignedToASecondName_registerTheDecoratedFunction() throws Exception {
        PythonScorer s = scorer("databricks_mentions", """
                from mlflow.genai.scorers import scorer, ScorerSamplingConfig

                @scorer
                def mentions_databricks(outputs):
                    return "databricks" in str(outputs.get("response", "")).lower()

                databricks_scorer = mentions_databricks.register(name="databricks_mentions")
                databricks_scorer = databricks_scorer.start(sampling_config=ScorerSamplingConfig(sample_rate=0.5))
                """);
        assertThat(s.score(ScorerInput.ofRecord(Map.of(), Map.of("response", "Databricks rocks"), Map.of())))
                .isEqualTo(true);
    }

    @Test
    void registerCalledWithoutAssignment_registersTheDecoratedFunction() throws Exception {
        PythonScorer s = scorer("length", """
                from mlflow.genai.scorers import scorer, ScorerSamplingConfig

                @scorer(aggregations=["mean", "min", "max"])
                def response_length(outputs):
                    return len(str(outputs.get("response", "")))

                response_length.register(name="response_length")
                response_length.start(sampling_config=ScorerSamplingConfig(sample_rate=0.5))
                """);
        assertThat(s.score(ScorerInput.ofRecord(Map.of(), Map.of("response", "abcd"), Map.of()))).isEqualTo(4L);
    }

    @Test
    void twoDifferentDecoratedFunctions_stillNeedAnEntryPoint() {
        assertThatThrownBy(() -> scorer("two", """
                from mlflow.genai.scorers import scorer
                @scorer
                def a(outputs):
                    return 1
                @scorer
                def b(outputs):
                    return 2
                b_registered = b.register(name="b")
                """)).isInstanceOf(PythonSourceException.class).hasMessageContaining("(a, b)");
    }

    @Test
    void indentationError_reportsTheLineOfTheBadIndent() {
        assertThatThrownBy(() -> scorer("indent", """
                from mlflow.genai.scorers import scorer

                @scorer
                def f(outputs):
                    x = 1
                      return x
                """)).isInstanceOfSatisfying(PythonSourceException.class, e -> {
                    assertThat(e.line()).isEqualTo(6);
                    assertThat(e.getMessage()).contains("line 6");
                });
    }

    @Test
    void missingIndentAfterDef_reportsTheLineOfTheBody() {
        assertThatThrownBy(() -> scorer("noindent", """
                from mlflow.genai.scorers import scorer

                @scorer
                def f(outputs):
                return 1
                """)).isInstanceOfSatisfying(PythonSourceException.class, e -> assertThat(e.line()).isEqualTo(5));
    }
}
