package dev.vigil.testkit.store;

import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared setup of the budget store conformance suites: {@link StoreSuiteBase}'s new, empty store for each test,
 * its clock starting at {@link #T0}, plus an experiment ({@link #experimentId}) the budgets belong to. The suites by
 * concern extend it in a chain ({@link BudgetLimitConformance}, {@link BudgetReservationConformance}) ending in
 * {@link BudgetStoreConformanceSuite}, which a backend extends to run them all; override {@link #reopenStore(Clock)}
 * for a durable backend.
 */
public abstract class BudgetConformanceBase extends StoreSuiteBase {

    /** The suite's start time. */
    protected static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    /** The start of the day period that holds {@link #T0}. */
    protected static final Instant DAY = BudgetPeriod.DAY.start(T0);

    /** The experiment the budgets of a test belong to, created in a new store before each test. */
    protected String experimentId;

    /** Opens each test's store at {@link #T0}. */
    protected BudgetConformanceBase() {
        super(T0);
    }

    @BeforeEach
    void createBudgetExperiment() {
        experimentId = store.experiments().getOrCreate("budgets").experimentId();
    }

    /**
     * @param name the budget's name
     * @param scorer the scorer it limits, or null for every scorer
     * @param maxTokens the token limit (0: none)
     * @param maxUsd the USD limit (0: none)
     * @return a daily budget that stops scoring at its limit, in {@link #experimentId}
     */
    protected Budget budget(String name, String scorer, long maxTokens, double maxUsd) {
        return new Budget(experimentId, name, scorer, BudgetPeriod.DAY, maxTokens, maxUsd, BudgetAction.STOP, T0);
    }
}
