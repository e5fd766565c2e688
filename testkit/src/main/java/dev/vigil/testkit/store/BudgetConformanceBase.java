package dev.vigil.testkit.store;

import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.Store;
import dev.vigil.testkit.MutableClock;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared setup of the budget store conformance suites: each test gets a new, empty store opened with a fresh
 * {@link MutableClock} ({@link #clock}, starting at {@link #T0}) and an experiment ({@link #experimentId}), closed
 * after the test. The suites by concern extend it in a chain ({@link BudgetLimitConformance},
 * {@link BudgetReservationConformance}) ending in {@link BudgetStoreConformanceSuite}, which a backend extends to run
 * them all; override {@link #reopenStore(Clock)} for a durable backend.
 */
public abstract class BudgetConformanceBase {

    /** The suite's start time. */
    protected static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    /** The start of the day period that holds {@link #T0}. */
    protected static final Instant DAY = BudgetPeriod.DAY.start(T0);

    /** The store under test. */
    protected Store store;
    /** The clock given to it. */
    protected MutableClock clock;
    /** The experiment the budgets of a test belong to, created in a new store before each test. */
    protected String experimentId;

    /**
     * @param clock the clock to use
     * @return a new, empty store
     */
    protected abstract Store openStore(Clock clock);

    /**
     * @param clock the clock to use
     * @return the same store opened again, or null for a store that is not durable
     */
    protected Store reopenStore(Clock clock) {
        return null;
    }

    @BeforeEach
    void openIt() {
        clock = new MutableClock(T0);
        store = openStore(clock);
        experimentId = store.experiments().getOrCreate("budgets").experimentId();
    }

    @AfterEach
    void closeIt() {
        if (store != null) {
            store.close();
        }
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
