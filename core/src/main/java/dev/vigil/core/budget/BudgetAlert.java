package dev.vigil.core.budget;

import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetUsage;
import java.time.Instant;
import java.util.Objects;

/**
 * A budget reached a threshold in a period. Its id is stable (budget, period, threshold), so receivers can
 * de-duplicate; the store's alert mark makes one engine of several send it.
 *
 * @param id a stable id
 * @param budget the budget
 * @param usage its counters when the threshold was seen
 * @param percent the threshold reached: 80 or 100
 * @param at when it was seen
 */
public record BudgetAlert(String id, Budget budget, BudgetUsage usage, int percent, Instant at) {

    /** Validates. */
    public BudgetAlert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(at, "at");
    }

    /** @return a one-line description for people */
    public String describe() {
        return "budget '" + budget.name() + "'" + (budget.scorerName() == null ? " (every judge scorer)"
                : " (scorer '" + budget.scorerName() + "')") + " reached " + percent + " % this "
                + budget.period().name().toLowerCase(java.util.Locale.ROOT) + ": " + BudgetGuard.spend(budget, usage);
    }
}
