package dev.vigil.core.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.spi.scorer.Aggregation;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ScoreValuesTest {

    @Test
    void booleansAndYesNo_countAsOneAndZero() {
        assertThat(ScoreValues.numeric(true)).isEqualTo(OptionalDouble.of(1));
        assertThat(ScoreValues.numeric(false)).isEqualTo(OptionalDouble.of(0));
        assertThat(ScoreValues.numeric("yes")).isEqualTo(OptionalDouble.of(1));
        assertThat(ScoreValues.numeric(" No ")).isEqualTo(OptionalDouble.of(0));
        assertThat(ScoreValues.numeric(7L)).isEqualTo(OptionalDouble.of(7));
        assertThat(ScoreValues.numeric("0.25")).isEqualTo(OptionalDouble.of(0.25));
        assertThat(ScoreValues.numeric("maybe")).isEmpty();
        assertThat(ScoreValues.numeric((Object) List.of(1))).isEmpty();
        assertThat(ScoreValues.numericAll(List.of(1, "no", "x"))).containsExactly(1.0, 0.0);
        assertThat(ScoreValues.numeric((Object) null)).isEmpty();
    }

    @Test
    void aggregate_appliesEveryDeclaredAggregation_toTheNumericValues() {
        List<Object> values = Arrays.asList("yes", "no", true, 1L, 0.5, "garbage", null, 2.5);
        Map<String, Double> out = ScoreValues.aggregate(Aggregation.BUILT_IN, values);
        // numeric: 1, 0, 1, 1, 0.5, 2.5
        assertThat(out.keySet()).containsExactly("mean", "min", "max", "median", "variance", "p90");
        assertThat(out.get("mean")).isCloseTo(1.0, within(1e-12));
        assertThat(out.get("min")).isEqualTo(0.0);
        assertThat(out.get("max")).isEqualTo(2.5);
        assertThat(out.get("median")).isEqualTo(1.0);
        assertThat(out.get("variance")).isCloseTo((0 + 1 + 0 + 0 + 0.25 + 2.25) / 6.0, within(1e-12));
        assertThat(out.get("p90")).isCloseTo(1.75, within(1e-12));
    }

    @Test
    void aggregate_ofNoNumericValue_isEmpty() {
        assertThat(ScoreValues.aggregate(List.of(Aggregation.MEAN), List.of("a", "b"))).isEmpty();
    }
}
