package dev.vigil.core.scorer;

import dev.vigil.spi.scorer.Aggregation;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Feedback values as numbers, for aggregations: as MLflow does, booleans and {@code yes}/{@code no} count as
 * 1/0, numbers as themselves and numeric strings as their value; anything else (other text, lists, maps, errors)
 * is left out.
 */
public final class ScoreValues {

    private ScoreValues() {}

    /**
     * @param value a feedback value
     * @return its numeric reading, or empty if it has none
     */
    public static OptionalDouble numeric(Object value) {
        if (value instanceof Boolean b) {
            return OptionalDouble.of(b ? 1.0 : 0.0);
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isNaN(d) ? OptionalDouble.empty() : OptionalDouble.of(d);
        }
        if (value instanceof String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (t.equals("yes") || t.equals("true")) {
                return OptionalDouble.of(1.0);
            }
            if (t.equals("no") || t.equals("false")) {
                return OptionalDouble.of(0.0);
            }
            try {
                double d = Double.parseDouble(t);
                return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
            } catch (NumberFormatException notNumeric) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }

    /**
     * @param values feedback values
     * @return the numeric readings of those that have one, in order
     */
    public static double[] numericAll(Collection<?> values) {
        return values.stream().map(ScoreValues::numeric).filter(OptionalDouble::isPresent)
                .mapToDouble(OptionalDouble::getAsDouble).toArray();
    }

    /**
     * @param aggregations the scorer's aggregations
     * @param values its feedback values
     * @return aggregation name → summary, in the aggregations' order; empty if no value is numeric
     */
    public static Map<String, Double> aggregate(List<Aggregation> aggregations, Collection<?> values) {
        double[] numbers = numericAll(values);
        Map<String, Double> out = new LinkedHashMap<>();
        if (numbers.length == 0) {
            return Map.of();
        }
        for (Aggregation a : aggregations) {
            out.put(a.name(), a.apply(numbers));
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
