package dev.vigil.core.budget;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.BudgetUsage;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A budget as a person gives it (the CLI's {@code vigil budgets set} options, the API's JSON fields), checked with
 * the same messages everywhere: the field names are prefixed as the caller spells them ({@code --usd} on the
 * command line, {@code usd} in JSON). Also the view both show: limits, this period's use, and where alerts go (by
 * notifier type only: the settings are secrets).
 *
 * @param name the budget's name
 * @param scorer the scorer it limits, or null for every judge scorer
 * @param usd the USD limit per period, or null
 * @param tokens the token limit per period, or null
 * @param period day, week or month (null: day)
 * @param action stop or alert (null: stop)
 * @param destinations where its alerts go
 */
public record BudgetSpec(String name, String scorer, Double usd, Long tokens, String period, String action,
        List<NotifierConfig> destinations) {

    /** Freezes. */
    public BudgetSpec {
        destinations = destinations == null ? List.of() : List.copyOf(destinations);
    }

    /**
     * @param experimentId the experiment
     * @param prefix how field names are written in messages: {@code "--"} for options, {@code ""} for JSON
     * @param validator checks each destination (a notifier's {@code validate}), throwing a message without secrets
     * @param now when it is set
     * @return the validated budget
     * @throws InvalidInputException naming the field that is wrong and what is allowed
     */
    public Budget toBudget(String experimentId, String prefix, Consumer<NotifierConfig> validator, Instant now) {
        if (usd == null && tokens == null) {
            throw new InvalidInputException("budget '" + name + "' needs a limit: " + prefix + "usd AMOUNT, " + prefix
                    + "tokens N or both");
        }
        destinations.forEach(validator);
        return new Budget(experimentId, name, scorer, choice(BudgetPeriod.class, prefix + "period",
                period == null ? "day" : period), tokens == null ? 0 : tokens, usd == null ? 0 : usd,
                choice(BudgetAction.class, prefix + "action", action == null ? "stop" : action), now, destinations);
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String field, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field + " '" + value + "' is not one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    /**
     * @param b a budget
     * @param u its counters this period
     * @param now the current time (when it resets)
     * @return its JSON view: limits, use, skips, reset time, alert mark and the notifier types (no settings)
     */
    public static Map<String, Object> view(Budget b, BudgetUsage u, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.name());
        m.put("scorer", b.scorerName());
        m.put("period", b.period().name().toLowerCase(Locale.ROOT));
        m.put("action", b.action().name().toLowerCase(Locale.ROOT));
        m.put("maxUsd", b.maxUsd() > 0 ? b.maxUsd() : null);
        m.put("maxTokens", b.maxTokens() > 0 ? b.maxTokens() : null);
        m.put("notifies", b.destinations().stream().map(NotifierConfig::type).toList());
        m.put("updatedAt", b.updatedAt().toString());
        Map<String, Object> use = new LinkedHashMap<>();
        use.put("periodStart", u.periodStart().toString());
        use.put("resetsAt", b.period().next(now).toString());
        use.put("spentUsd", u.spentUsd());
        use.put("spentTokens", u.spentTokens());
        use.put("reservedUsd", u.reservedNanoUsd() / 1e9);
        use.put("reservedTokens", u.reservedTokens());
        use.put("calls", u.calls());
        use.put("skipped", u.skipped());
        use.put("usedShare", usedShare(b, u));
        use.put("alertedPercent", u.alertedPercent());
        m.put("usage", use);
        return m;
    }

    /**
     * @param b a budget
     * @param u its counters
     * @return the larger of spent/limit over the limits set (1.0 = used up)
     */
    public static double usedShare(Budget b, BudgetUsage u) {
        return Math.max(b.maxTokens() > 0 ? (double) u.spentTokens() / b.maxTokens() : 0,
                b.maxNanoUsd() > 0 ? (double) u.spentNanoUsd() / b.maxNanoUsd() : 0);
    }
}
