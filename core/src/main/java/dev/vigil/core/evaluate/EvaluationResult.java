package dev.vigil.core.evaluate;

import dev.vigil.spi.scorer.Feedback;
import java.util.List;
import java.util.Map;

/**
 * What {@link Evaluator} returns: the feedback per item and the aggregates, like {@code mlflow.genai.evaluate}'s
 * result ({@code metrics} keyed {@code <feedback name>/<aggregation>}, e.g. {@code correctness/mean}).
 *
 * @param items one per input item, in input order
 * @param metrics aggregates of the numeric values (booleans and yes/no as 1/0) per feedback name, with each
 *     scorer's aggregations; plus {@code <name>/error_count}
 */
public record EvaluationResult(List<Item> items, Map<String, Double> metrics) {

    /** Freezes. */
    public EvaluationResult {
        items = List.copyOf(items);
        metrics = Map.copyOf(metrics);
    }

    /**
     * One evaluated item.
     *
     * @param index its position in the input
     * @param traceId its trace id, or null for a plain record
     * @param feedback per scorer name, the feedback it produced (an error feedback when it failed)
     */
    public record Item(int index, String traceId, Map<String, List<Feedback>> feedback) {
        /** Freezes. */
        public Item {
            feedback = Map.copyOf(feedback);
        }

        /**
         * @param scorer a scorer name
         * @return its first feedback's value, or null
         */
        public Object value(String scorer) {
            List<Feedback> f = feedback.get(scorer);
            return f == null || f.isEmpty() ? null : f.get(0).value();
        }
    }
}
