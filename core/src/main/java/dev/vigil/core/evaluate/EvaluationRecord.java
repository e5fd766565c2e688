package dev.vigil.core.evaluate;

import dev.vigil.spi.scorer.ScorerInput;
import java.util.Map;

/**
 * A plain record to evaluate without a trace, as {@code mlflow.genai.evaluate(data=[...])} takes.
 *
 * @param inputs the inputs (usually a map)
 * @param outputs the outputs
 * @param expectations expectation name → value, or empty
 */
public record EvaluationRecord(Object inputs, Object outputs, Map<String, Object> expectations) {
    /** Normalises. */
    public EvaluationRecord {
        expectations = expectations == null ? Map.of() : expectations;
    }

    /** @return the scorer input for it */
    public ScorerInput toInput() {
        return ScorerInput.ofRecord(inputs, outputs, expectations);
    }
}
