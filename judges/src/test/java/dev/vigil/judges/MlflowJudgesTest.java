package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MLflow's serialized judges (the shape of {@code Scorer.model_dump()}, MLflow 3.4+) import as Vigil judges. */
class MlflowJudgesTest {
    private static final String MODEL = JudgeCodecTest.MODEL;

    private static String builtIn(String cls, String data) {
        return """
                {"name": "n", "aggregations": null, "mlflow_version": "3.4.0", "serialization_version": 1,
                 "builtin_scorer_class": "%s", "builtin_scorer_pydantic_data": %s,
                 "call_source": null, "call_signature": null, "original_func_name": null}""".formatted(cls, data);
    }

    @Test
    void guidelines_withAListOrOneString_importsAsVigilsGuidelinesJudge() {
        LlmJudge imported = MlflowJudges.fromMlflow(builtIn("Guidelines", """
                {"name": "english", "required_columns": ["inputs", "outputs"],
                 "guidelines": ["The response must be in English"]}""")).model(MODEL).runtime(JudgeCodecTest.RUNTIME).build();
        LlmJudge expected = Judges.guidelines("english", List.of("The response must be in English")).model(MODEL)
                .runtime(JudgeCodecTest.RUNTIME).build();
        assertThat(imported.definition()).isEqualTo(expected.definition());
        assertThat(imported.name()).isEqualTo("english");
        LlmJudge single = MlflowJudges.fromMlflow(builtIn("Guidelines", """
                {"name": "english", "guidelines": "The response must be in English"}""")).model(MODEL)
                .runtime(JudgeCodecTest.RUNTIME).build();
        assertThat(single.definition()).isEqualTo(expected.definition());
    }

    @Test
    void everyBuiltInClass_importsAsTheSameKind() {
        for (String cls : List.of("Safety", "RelevanceToQuery", "Correctness", "RetrievalGroundedness",
                "RetrievalRelevance", "RetrievalSufficiency", "ExpectationsGuidelines", "Completeness", "Fluency",
                "ToolCallCorrectness", "ToolCallEfficiency")) {
            LlmJudge j = MlflowJudges.fromMlflow(builtIn(cls, "{\"name\": \"my_" + cls + "\"}")).model(MODEL)
                    .runtime(JudgeCodecTest.RUNTIME).build();
            assertThat(j.name()).isEqualTo("my_" + cls);
            assertThat(j.definition().config().toString()).as(cls).contains(MlflowJudges.BUILT_IN.get(cls));
        }
    }

    @Test
    void makeJudge_importsInstructionsModelAndValueType() {
        String json = """
                {"name": "cites_sources", "aggregations": [], "mlflow_version": "3.4.0", "serialization_version": 1,
                 "instructions_judge_pydantic_data": {"instructions": "Does {{ outputs }} cite {{ trace }}?",
                   "model": "%s", "feedback_value_type": "bool"},
                 "builtin_scorer_class": null, "call_source": null}""".formatted(MODEL);
        assertThat(MlflowJudges.isJudge(json)).isTrue();
        LlmJudge j = MlflowJudges.fromMlflow(json).runtime(JudgeCodecTest.RUNTIME).build();
        LlmJudge expected = Judges.template("cites_sources", "Does {{ outputs }} cite {{ trace }}?",
                Judges.ValueType.BOOL).model(MODEL).runtime(JudgeCodecTest.RUNTIME).build();
        assertThat(j.definition()).isEqualTo(expected.definition());
        LlmJudge labels = MlflowJudges.fromMlflow(json.replace("\"bool\"", "[\"warm\", \"cold\"]"))
                .runtime(JudgeCodecTest.RUNTIME).build();
        assertThat(labels.definition()).isEqualTo(Judges.template("cites_sources",
                "Does {{ outputs }} cite {{ trace }}?", List.of("warm", "cold")).model(MODEL)
                .runtime(JudgeCodecTest.RUNTIME).build().definition());
    }

    @Test
    void invalidPayloads_failNamingTheField() {
        assertThatThrownBy(() -> MlflowJudges.fromMlflow(builtIn("Guidelines", "{\"name\": \"g\"}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("builtin_scorer_pydantic_data.guidelines");
        assertThatThrownBy(() -> MlflowJudges.fromMlflow(builtIn("Guidelines", "{\"guidelines\": [1]}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("must hold strings");
        assertThatThrownBy(() -> MlflowJudges.fromMlflow(builtIn("Toxicity", "{}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("builtin_scorer_class 'Toxicity'")
                .hasMessageContaining("Safety");
        assertThatThrownBy(() -> MlflowJudges.fromMlflow(builtIn("Safety", "[1]")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("\"builtin_scorer_pydantic_data\" must be");
        assertThatThrownBy(() -> MlflowJudges.fromMlflow("""
                {"name": "j", "instructions_judge_pydantic_data": {"instructions": "{{ outputs }}",
                 "feedback_value_type": "dict"}}""")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("feedback_value_type 'dict'");
        assertThatThrownBy(() -> MlflowJudges.fromMlflow("""
                {"name": "j", "instructions_judge_pydantic_data": {"model": "x"}}"""))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs \"instructions\"");
        assertThatThrownBy(() -> MlflowJudges.fromMlflow("""
                {"name": "f", "call_source": "return 1", "original_func_name": "f"}"""))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("PythonScorer.fromMlflow");
        assertThatThrownBy(() -> MlflowJudges.fromMlflow("[]")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("JSON object");
    }
}
