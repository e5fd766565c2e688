package dev.vigil.judges;

import dev.vigil.spi.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What judge calls cost: USD per million input and output tokens, per model. A model is looked up by its full
 * URI ({@code openai:/gpt-4o-mini}) and then by its name alone ({@code gpt-4o-mini}). Prices change: the table
 * is empty by default and configured by the user; a model without a price gets no cost.
 *
 * @param prices model URI or name → price (immutable)
 */
public record PriceTable(Map<String, Price> prices) {

    /** No prices: no cost is computed. */
    public static final PriceTable EMPTY = new PriceTable(Map.of());

    /** Freezes. */
    public PriceTable {
        prices = Map.copyOf(prices);
    }

    /**
     * @param inputPerMillion USD per million input tokens
     * @param outputPerMillion USD per million output tokens
     */
    public record Price(double inputPerMillion, double outputPerMillion) {
        /** Validates. */
        public Price {
            if (!(inputPerMillion >= 0) || !(outputPerMillion >= 0)) {
                throw new InvalidInputException("prices must be ≥ 0 USD per million tokens, got "
                        + inputPerMillion + " / " + outputPerMillion);
            }
        }
    }

    /**
     * @param model a model URI or name
     * @param inputPerMillion USD per million input tokens
     * @param outputPerMillion USD per million output tokens
     * @return a copy with that price
     */
    public PriceTable with(String model, double inputPerMillion, double outputPerMillion) {
        Map<String, Price> m = new LinkedHashMap<>(prices);
        m.put(model, new Price(inputPerMillion, outputPerMillion));
        return new PriceTable(m);
    }

    /**
     * @param modelUri the model URI
     * @param inputTokens input tokens (negative = unknown)
     * @param outputTokens output tokens (negative = unknown)
     * @return the cost in USD, or empty when the model has no price or the tokens are unknown
     */
    public Optional<Double> cost(String modelUri, long inputTokens, long outputTokens) {
        if (prices.isEmpty()) {
            return Optional.empty();
        }
        Price p = prices.get(modelUri);
        if (p == null) {
            int from = modelUri.indexOf(':') + 1;
            while (from < modelUri.length() && modelUri.charAt(from) == '/') {
                from++;
            }
            p = prices.get(modelUri.substring(from));
        }
        if (p == null || inputTokens < 0 || outputTokens < 0) {
            return Optional.empty();
        }
        return Optional.of(inputTokens * p.inputPerMillion() / 1e6 + outputTokens * p.outputPerMillion() / 1e6);
    }
}
