package dev.vigil.spi.store;

/** What a {@link Budget} does when spend reaches it. */
public enum BudgetAction {
    /** Notify at 80 % and at 100 % of the limit; calls go on. */
    ALERT,
    /**
     * Reserve each judge call's estimated cost before it is made; a call that would pass the limit is skipped
     * ({@code BUDGET_EXCEEDED}, no assessment) until the period rolls over or the limit is raised.
     */
    STOP
}
