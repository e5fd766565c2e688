package dev.vigil.spi.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A budget's counters for one period, as the store keeps them (shared by every engine using the store). Money is
 * counted in nano-dollars (10⁻⁹ USD) so sums are exact.
 *
 * @param experimentId the experiment
 * @param budgetName the budget
 * @param periodStart the start of the period
 * @param spentTokens tokens of settled calls
 * @param spentNanoUsd cost of settled calls, nano-dollars
 * @param reservedTokens tokens reserved by calls in flight
 * @param reservedNanoUsd cost reserved by calls in flight, nano-dollars
 * @param calls settled calls that reported usage
 * @param skipped calls skipped because the budget was exhausted
 * @param alertedPercent the highest alert threshold already notified this period (0, 80 or 100)
 */
public record BudgetUsage(String experimentId, String budgetName, Instant periodStart, long spentTokens,
        long spentNanoUsd, long reservedTokens, long reservedNanoUsd, long calls, long skipped, int alertedPercent) {

    /** Validates. */
    public BudgetUsage {
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(budgetName, "budgetName");
        Objects.requireNonNull(periodStart, "periodStart");
    }

    /**
     * @param experimentId the experiment
     * @param budgetName the budget
     * @param periodStart the period
     * @return counters of a period with no activity
     */
    public static BudgetUsage empty(String experimentId, String budgetName, Instant periodStart) {
        return new BudgetUsage(experimentId, budgetName, periodStart, 0, 0, 0, 0, 0, 0, 0);
    }

    /** @return settled spend in USD */
    public double spentUsd() {
        return spentNanoUsd / 1e9;
    }

    /**
     * @param usd an amount in USD
     * @return it in nano-dollars, rounded up (0 for 0 or less)
     */
    public static long toNanoUsd(double usd) {
        if (!(usd > 0)) {
            return 0;
        }
        return (long) Math.ceil(usd * 1e9 - 1e-6);
    }

    /**
     * Whether a reservation of this size fits a budget's limits now: for each limit set, what is spent or reserved
     * is below it and stays at or below it with the reservation.
     *
     * @param budget the budget
     * @param tokens tokens to reserve
     * @param nanoUsd nano-dollars to reserve
     * @return true if it fits
     */
    public boolean fits(Budget budget, long tokens, long nanoUsd) {
        return fits(spentTokens + reservedTokens, tokens, budget.maxTokens())
                && fits(spentNanoUsd + reservedNanoUsd, nanoUsd, budget.maxNanoUsd());
    }

    private static boolean fits(long used, long more, long max) {
        return max <= 0 || (used < max && used + more <= max);
    }
}
