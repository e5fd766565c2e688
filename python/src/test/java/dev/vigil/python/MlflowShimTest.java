package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.scorer.Feedback;
import org.junit.jupiter.api.Test;

/**
 * MLflow scorer code from MLflow's documentation (custom scorers, class-based scorers, built-in judges) loads and
 * runs unchanged in the sandbox's {@code mlflow} shim (issue #18).
 */
class MlflowShimTest {

    private static Object score(String name, String source) throws Exception {
        PythonScorer s = TestSandboxes.scorer(name, source, Isolation.IN_PROCESS);
        return s.score(TestSandboxes.input("1", "what is databricks", "Databricks is a data platform"));
    }

    @Test
    void entitiesImports_fromMlflowsDocs_resolve() throws Exception {
        Object r = score("span_types", """
                from mlflow.entities import Trace, Span, SpanType, Feedback, Expectation, AssessmentSource, \\
                    AssessmentSourceType, AssessmentError
                from mlflow.entities.span import SpanType as SpanType2
                from mlflow.genai.scorers import scorer

                @scorer
                def span_types(trace: Trace) -> Feedback:
                    spans = trace.search_spans(span_type=SpanType.CHAT_MODEL)
                    return Feedback(value=len(spans), rationale=SpanType2.RETRIEVER,
                                    source=AssessmentSource(source_type=AssessmentSourceType.CODE))
                """);
        Feedback f = (Feedback) r;
        assertThat(f.error()).isNull();
        assertThat(f.value()).isEqualTo(1L);
        assertThat(f.rationale()).isEqualTo("RETRIEVER");
    }

    @Test
    void classBasedScorer_withCallAndConfiguration_loadsAndRuns() throws Exception {
        // the shape of MLflow's "class-based scorers" documentation
        Object r = score("response_length", """
                from mlflow.genai.scorers import Scorer
                from mlflow.entities import Feedback

                class ResponseLengthScorer(Scorer):
                    name: str = "response_length"
                    max_length: int = 100

                    def __call__(self, *, outputs, **kwargs) -> Feedback:
                        n = len(outputs["response"])
                        return Feedback(value=n <= self.max_length, rationale=f"{n} characters")

                length_scorer = ResponseLengthScorer(max_length=10)
                """);
        Feedback f = (Feedback) r;
        assertThat(f.error()).isNull();
        assertThat(f.value()).isEqualTo(false);
        assertThat(f.rationale()).isEqualTo("29 characters");
    }

    @Test
    void classBasedScorer_withoutAnInstance_isCreatedWithItsDefaults() throws Exception {
        Object r = score("has_query", """
                from mlflow.genai.scorers import Scorer

                class HasQuery(Scorer):
                    def __call__(self, *, inputs):
                        return "query" in inputs
                """);
        assertThat(r).isEqualTo(true);
    }

    @Test
    void scorerSubclassWithoutCall_isRejectedWithAClearMessage() {
        assertThatThrownBy(() -> score("no_call", """
                from mlflow.genai.scorers import Scorer

                class NoCall(Scorer):
                    name: str = "no_call"

                no_call = NoCall()
                """)).isInstanceOf(PythonSourceException.class)
                .hasMessageContaining("does not define __call__").hasMessageNotContaining("positional arguments");
    }

    @Test
    void builtInJudges_areImportable_andCallingOneFailsWithAClearMessage() throws Exception {
        Object r = score("uses_judge", """
                from mlflow.genai.scorers import Guidelines, Safety, Correctness, RelevanceToQuery, \\
                    RetrievalGroundedness, scorer
                from mlflow.genai.judges import CategoricalRating

                tone = Guidelines(name="tone", guidelines="Be polite")

                @scorer
                def uses_judge(inputs, outputs):
                    return tone(inputs=inputs, outputs=outputs)
                """);
        Feedback f = (Feedback) r;
        assertThat(f.error().code()).isEqualTo("NotImplementedError");
        assertThat(f.error().message()).contains("built-in judge Guidelines cannot run inside a Python scorer")
                .contains("--from-mlflow");
    }

    @Test
    void judgeConstants_matchMlflows() throws Exception {
        Object r = score("rating", """
                from mlflow.genai.judges import CategoricalRating
                from mlflow.genai.scorers import scorer

                @scorer
                def rating(outputs):
                    return CategoricalRating.YES if "data" in outputs["response"] else CategoricalRating.NO
                """);
        assertThat(r).isEqualTo("yes");
    }
}
