package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import org.junit.jupiter.api.Test;

/** The custom scorers of the seed document (monitor-genai-in-production), run unchanged from their source text. */
class SeedScorersTest {

    static final String MENTIONS_DATABRICKS = """
            from mlflow.genai.scorers import scorer, ScorerSamplingConfig


            # Custom metric: Check if response mentions Databricks
            @scorer
            def mentions_databricks(outputs):
                \"\"\"Check if the response mentions Databricks\"\"\"
                return "databricks" in str(outputs.get("response", "")).lower()
            """;

    static final String RESPONSE_LENGTH = """
            from mlflow.genai.scorers import scorer, ScorerSamplingConfig

            # Custom metric: Response length check
            @scorer(aggregations=["mean", "min", "max"])
            def response_length(outputs):
                \"\"\"Measure response length in characters\"\"\"
                return len(str(outputs.get("response", "")))
            """;

    static final String RESPONSE_RELEVANCE = """
            from mlflow.genai.scorers import scorer, ScorerSamplingConfig

            # Custom metric with multiple inputs
            @scorer
            def response_relevance_score(inputs, outputs):
                \"\"\"Score relevance based on keyword matching\"\"\"
                query = str(inputs.get("query", "")).lower()
                response = str(outputs.get("response", "")).lower()

                # Simple keyword matching (replace with your logic)
                query_words = set(query.split())
                response_words = set(response.split())

                if not query_words:
                    return 0.0

                overlap = len(query_words & response_words)
                return overlap / len(query_words)
            """;

    static final String WELL_DESIGNED = """
            @scorer
            def well_designed_scorer(inputs, outputs):
                # All imports inside the function
                import re
                import json

                # Handle missing data gracefully
                response = outputs.get("response", "")
                if not response:
                    return 0.0

                # Return consistent types
                return float(len(response) > 100)
            """;

    /** The seed's formality scorer with its judge call replaced by a fixed Feedback (no network in the sandbox). */
    static final String FORMALITY_WITHOUT_JUDGE = """
            from mlflow.genai.scorers import scorer
            from mlflow.entities import Feedback

            @scorer
            def formality(inputs, outputs, trace):
                # Must be imported inline within the scorer function body
                from mlflow.entities.assessment import DEFAULT_FEEDBACK_NAME

                formality_prompt = \"\"\"
                You will look at the response and determine the formality of the response.

                <request>{{request}}</request>
                <response>{{response}}</response>
                \"\"\"
                response = str(outputs.get("response", ""))
                informal = any(w in response.lower() for w in ("hey", "buddy", "lol"))
                result = Feedback(name="formality", value=0 if informal else 1,
                                  rationale="informal words" if informal else "no informal words")
                if hasattr(result, "name"):
                    result.name = DEFAULT_FEEDBACK_NAME
                return result
            """;

    private static PythonScorer inProcess(String name, String source) {
        return TestSandboxes.scorer(name, source, Isolation.IN_PROCESS);
    }

    @Test
    void mentionsDatabricks_returnsWhetherTheResponseNamesDatabricks() throws Exception {
        PythonScorer s = inProcess("databricks_mentions", MENTIONS_DATABRICKS);
        assertThat(s.score(TestSandboxes.input("1", "what is it", "Databricks is a platform"))).isEqualTo(true);
        assertThat(s.score(TestSandboxes.input("2", "what is it", "A platform"))).isEqualTo(false);
        assertThat(s.entryPoint()).isEqualTo("mentions_databricks");
        assertThat(s.aggregations()).containsExactly(Aggregation.MEAN);
    }

    @Test
    void responseLength_returnsALongAndKeepsItsAggregations() throws Exception {
        PythonScorer s = inProcess("response_length", RESPONSE_LENGTH);
        assertThat(s.score(TestSandboxes.input("1", "q", "twelve chars"))).isEqualTo(12L);
        assertThat(s.aggregations()).extracting(Aggregation::name).containsExactly("mean", "min", "max");
    }

    @Test
    void responseRelevance_returnsTheKeywordOverlapAsADouble() throws Exception {
        PythonScorer s = inProcess("response_relevance_score", RESPONSE_RELEVANCE);
        assertThat(s.score(TestSandboxes.input("1", "what is databricks", "databricks is a platform")))
                .isEqualTo(2.0 / 3.0);
        assertThat(s.score(TestSandboxes.input("2", "", "anything"))).isEqualTo(0.0);
    }

    @Test
    void wellDesigned_usesBodyImportsAndTheUndeclaredScorerDecorator() throws Exception {
        // The seed's snippet relies on `scorer` being imported elsewhere in the file: here it is not imported at
        // all, so the source needs the import MLflow users put at the top of their file.
        PythonScorer s = inProcess("well_designed_scorer",
                "from mlflow.genai.scorers import scorer\n" + WELL_DESIGNED);
        assertThat(s.score(TestSandboxes.input("1", "q", "x".repeat(101)))).isEqualTo(1.0);
        assertThat(s.score(TestSandboxes.input("2", "q", "short"))).isEqualTo(0.0);
        assertThat(s.score(ScorerInput.ofRecord(null, java.util.Map.of("response", ""), null))).isEqualTo(0.0);
    }

    @Test
    void formality_returnsAFeedbackNamedByTheEngine() throws Exception {
        PythonScorer s = inProcess("my_formality_judge", FORMALITY_WITHOUT_JUDGE);
        Object formal = s.score(TestSandboxes.input("1", "q", "Dear customer, here is the answer."));
        Object informal = s.score(TestSandboxes.input("2", "q", "hey buddy lol"));
        assertThat(formal).isInstanceOf(Feedback.class);
        Feedback f = (Feedback) formal;
        assertThat(f.name()).isEqualTo(Feedback.DEFAULT_NAME);
        assertThat(f.value()).isEqualTo(1L);
        assertThat(f.rationale()).isEqualTo("no informal words");
        assertThat(((Feedback) informal).value()).isEqualTo(0L);
    }
}
