package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.scorer.Aggregation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MLflow's serialized {@code aggregations} (e.g. {@code Guidelines(name=..., guidelines=...,
 * aggregations=["mean", "min"])} dumped with {@code model_dump()}) survive the import and the store round trip.
 */
class MlflowJudgeAggregationsTest {

    private static String guidelines(String aggregations) {
        return """
                {"name": "english", "aggregations": %s, "mlflow_version": "3.4.0", "serialization_version": 1,
                 "builtin_scorer_class": "Guidelines",
                 "builtin_scorer_pydantic_data": {"name": "english", "guidelines": ["Answer in English"]},
                 "call_source": null, "call_signature": null, "original_func_name": null}""".formatted(aggregations);
    }

    private static LlmJudge build(String json) {
        return MlflowJudges.fromMlflow(json).model(JudgeCodecTest.MODEL).runtime(JudgeCodecTest.RUNTIME).build();
    }

    @Test
    void guidelinesAggregations_areKept_andSurviveTheCodec() {
        LlmJudge j = build(guidelines("[\"mean\", \"min\", \"p90\"]"));

        assertThat(j.aggregations()).extracting(Aggregation::name).containsExactly("mean", "min", "p90");
        LlmJudge rebuilt = (LlmJudge) new JudgeCodec(JudgeCodecTest.RUNTIME).decode(j.name(), j.definition());
        assertThat(rebuilt).isEqualTo(j);
        assertThat(rebuilt.aggregations()).extracting(Aggregation::name).containsExactly("mean", "min", "p90");
    }

    @Test
    void nullOrEmptyAggregations_meanByDefault_andTheDefinitionIsUnchanged() {
        LlmJudge none = build(guidelines("null"));
        LlmJudge empty = build(guidelines("[]"));

        assertThat(none.aggregations()).containsExactly(Aggregation.MEAN);
        assertThat(empty.definition()).isEqualTo(none.definition());
        assertThat(none.definition().config()).doesNotContainKey("aggregations");
    }

    @Test
    void unknownOrMistypedAggregations_nameTheFieldAndTheAllowedNames() {
        assertThatThrownBy(() -> build(guidelines("[\"mode\"]"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("mode").hasMessageContaining("mean, min, max, median, variance, p90");
        assertThatThrownBy(() -> build(guidelines("\"mean\""))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\"aggregations\"");
        assertThatThrownBy(() -> build(guidelines("[{\"fn\": 1}]"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("only the built-in names serialize");
        assertThatThrownBy(() -> build(guidelines("[\"min\", \"min\"]"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("twice");
    }

    @Test
    void builderAggregations_onAnyJudge() {
        LlmJudge j = Judges.safety().aggregations(List.of("max")).model(JudgeCodecTest.MODEL)
                .runtime(JudgeCodecTest.RUNTIME).build();

        assertThat(j.aggregations()).extracting(Aggregation::name).containsExactly("max");
    }
}
