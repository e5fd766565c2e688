package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.scorer.ScorerVersion;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A spend limit on LLM-judge calls: for one scorer, or for every judge scorer of an experiment, in tokens and/or
 * US dollars per {@link BudgetPeriod}. Setting a budget of the same name replaces it (raising a limit takes effect
 * at the next call).
 *
 * @param experimentId the experiment
 * @param name the budget's name (1–256 characters, no control characters)
 * @param scorerName the scorer it limits, or null for every judge scorer of the experiment
 * @param period the period it counts over
 * @param maxTokens the token limit (input + output), 0 for none
 * @param maxUsd the USD limit, 0 for none
 * @param action what happens at the limit
 * @param updatedAt when it was last set
 * @param destinations where its alerts (80 % and 100 % of a limit, once per period) are sent, like a monitor's;
 *     empty: only logged. Their settings are secrets: never shown by {@link #toString()} nor the API
 */
public record Budget(String experimentId, String name, String scorerName, BudgetPeriod period, long maxTokens,
        double maxUsd, BudgetAction action, Instant updatedAt, List<NotifierConfig> destinations) {

    /**
     * A budget whose alerts are only logged.
     *
     * @param experimentId the experiment
     * @param name the budget's name
     * @param scorerName the scorer it limits, or null for every judge scorer
     * @param period the period
     * @param maxTokens the token limit, 0 for none
     * @param maxUsd the USD limit, 0 for none
     * @param action what happens at the limit
     * @param updatedAt when it was last set
     */
    public Budget(String experimentId, String name, String scorerName, BudgetPeriod period, long maxTokens,
            double maxUsd, BudgetAction action, Instant updatedAt) {
        this(experimentId, name, scorerName, period, maxTokens, maxUsd, action, updatedAt, List.of());
    }

    /** Validates. */
    public Budget {
        if (experimentId == null || experimentId.isEmpty()) {
            throw new InvalidInputException("a budget needs an experiment id");
        }
        ScorerVersion.validateName(name);
        if (scorerName != null) {
            ScorerVersion.validateName(scorerName);
        }
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (maxTokens < 0) {
            throw new InvalidInputException("budget '" + name + "': the token limit must be 0 (none) or more, got "
                    + maxTokens);
        }
        if (!Double.isFinite(maxUsd) || maxUsd < 0 || maxUsd > 1e9) {
            throw new InvalidInputException("budget '" + name + "': the USD limit must be a number from 0 (none) to "
                    + "1e9, got " + maxUsd);
        }
        if (maxTokens == 0 && maxUsd == 0) {
            throw new InvalidInputException("budget '" + name + "' has no limit; give a token limit, a USD limit "
                    + "or both");
        }
        destinations = destinations == null ? List.of() : List.copyOf(destinations);
    }

    /**
     * @param newDestinations where its alerts go
     * @return a copy with those destinations
     */
    public Budget withDestinations(List<NotifierConfig> newDestinations) {
        return new Budget(experimentId, name, scorerName, period, maxTokens, maxUsd, action, updatedAt,
                newDestinations);
    }

    /**
     * @param scorer a scorer's registered name
     * @return true if this budget counts that scorer's calls
     */
    public boolean covers(String scorer) {
        return scorerName == null || scorerName.equals(scorer);
    }

    /** @return the USD limit in nano-dollars (the unit stores count in), 0 for none */
    public long maxNanoUsd() {
        return BudgetUsage.toNanoUsd(maxUsd);
    }
}
