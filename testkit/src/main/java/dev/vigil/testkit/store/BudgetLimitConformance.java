package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.BudgetUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Conformance of a store's {@link dev.vigil.spi.store.BudgetStore} budgets and limits: budgets set, replaced, listed
 * and deleted; reservations that never pass a limit, also from many threads at once; settling, skips, alert marks and
 * period rollover; budgets and counters kept across a reopen.
 */
public abstract class BudgetLimitConformance extends BudgetConformanceBase {

    @Test
    void budgets_areSetReplacedListedByNameAndDeleted() {
        store.budgets().put(budget("b", "safety", 0, 5.0));
        store.budgets().put(budget("a", null, 1000, 0));
        store.budgets().put(budget("b", "safety", 0, 7.5));

        assertThat(store.budgets().list(experimentId)).extracting(Budget::name).containsExactly("a", "b");
        assertThat(store.budgets().get(experimentId, "b").orElseThrow()).isEqualTo(budget("b", "safety", 0, 7.5));
        assertThat(store.budgets().get(experimentId, "a").orElseThrow().scorerName()).isNull();
        assertThat(store.budgets().get(experimentId, "missing")).isEmpty();
        assertThat(store.budgets().delete(experimentId, "b")).isTrue();
        assertThat(store.budgets().delete(experimentId, "b")).isFalse();
        assertThat(store.budgets().list(experimentId)).extracting(Budget::name).containsExactly("a");
    }

    @Test
    void aBudgetInAMissingExperiment_isRejected() {
        assertThatThrownBy(() -> store.budgets().put(new Budget("no-such-experiment", "a", null, BudgetPeriod.DAY,
                10, 0, BudgetAction.STOP, T0))).isInstanceOf(InvalidInputException.class);
        assertThat(store.budgets().list("no-such-experiment")).isEmpty();
    }

    @Test
    void reservations_stopAtTheLimit_andSettlingCountsTheRealUsage() {
        Budget b = store.budgets().put(budget("tokens", "safety", 300, 0));
        assertThat(store.budgets().reserve(b, DAY, 100, 0)).isTrue();
        assertThat(store.budgets().reserve(b, DAY, 100, 0)).isTrue();
        assertThat(store.budgets().reserve(b, DAY, 101, 0)).isFalse();
        store.budgets().settle(b, DAY, 100, 0, 120, 0, 1);

        BudgetUsage u = store.budgets().usage(experimentId, "tokens", DAY);
        assertThat(u.spentTokens()).isEqualTo(120);
        assertThat(u.reservedTokens()).isEqualTo(100);
        assertThat(u.calls()).isEqualTo(1);
        assertThat(store.budgets().reserve(b, DAY, 80, 0)).isTrue();
        assertThat(store.budgets().reserve(b, DAY, 0, 0)).as("nothing left, even for a zero estimate").isFalse();
        assertThat(store.budgets().usage(experimentId, "tokens", DAY).reservedTokens()).isEqualTo(180);
    }

    @Test
    void aUsdLimit_isExactInNanoDollars() {
        Budget b = store.budgets().put(budget("usd", null, 0, 0.03));
        long cent = BudgetUsage.toNanoUsd(0.01);
        assertThat(cent).isEqualTo(10_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(store.budgets().reserve(b, DAY, 0, cent)).isTrue();
            store.budgets().settle(b, DAY, 0, cent, 50, cent, 1);
        }
        assertThat(store.budgets().reserve(b, DAY, 0, cent)).isFalse();
        BudgetUsage u = store.budgets().usage(experimentId, "usd", DAY);
        assertThat(u.spentUsd()).isEqualTo(0.03);
        assertThat(u.reservedNanoUsd()).isZero();
        assertThat(u.spentTokens()).isEqualTo(150);
    }

    @Test
    void theNextPeriod_startsFromZero_andRaisingTheLimitAdmitsAgain() {
        Budget b = store.budgets().put(budget("tokens", null, 100, 0));
        assertThat(store.budgets().reserve(b, DAY, 100, 0)).isTrue();
        assertThat(store.budgets().reserve(b, DAY, 1, 0)).isFalse();
        Instant tomorrow = BudgetPeriod.DAY.next(T0);
        assertThat(store.budgets().reserve(b, tomorrow, 100, 0)).isTrue();
        assertThat(store.budgets().usage(experimentId, "tokens", tomorrow).reservedTokens()).isEqualTo(100);

        Budget raised = store.budgets().put(budget("tokens", null, 150, 0));
        assertThat(store.budgets().reserve(raised, DAY, 50, 0)).isTrue();
        assertThat(store.budgets().usage(experimentId, "tokens", DAY).reservedTokens()).isEqualTo(150);
    }

    @Test
    void skipsAndAlertMarks_areCounted_andAMarkIsRaisedOnce() {
        Budget b = store.budgets().put(budget("a", null, 100, 0));
        store.budgets().recordSkip(b, DAY);
        store.budgets().recordSkip(b, DAY);
        assertThat(store.budgets().markAlerted(b, DAY, 80)).isTrue();
        assertThat(store.budgets().markAlerted(b, DAY, 80)).isFalse();
        assertThat(store.budgets().markAlerted(b, DAY, 100)).isTrue();
        assertThat(store.budgets().markAlerted(b, DAY, 80)).isFalse();
        BudgetUsage u = store.budgets().usage(experimentId, "a", DAY);
        assertThat(u.skipped()).isEqualTo(2);
        assertThat(u.alertedPercent()).isEqualTo(100);
        assertThat(store.budgets().usage(experimentId, "never-set", DAY))
                .isEqualTo(BudgetUsage.empty(experimentId, "never-set", DAY));
    }

    @Test
    void concurrentReservations_neverPassTheLimit() throws Exception {
        Budget b = store.budgets().put(budget("race", null, 25, 0));
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                fs.add(pool.submit(() -> {
                    if (store.budgets().reserve(b, DAY, 1, 0)) {
                        granted.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(granted.get()).isEqualTo(25);
        assertThat(store.budgets().usage(experimentId, "race", DAY).reservedTokens()).isEqualTo(25);
    }

    @Test
    void deletingABudget_dropsItsCounters() {
        Budget b = store.budgets().put(budget("a", null, 10, 0));
        store.budgets().reserve(b, DAY, 10, 0);
        store.budgets().delete(experimentId, "a");
        assertThat(store.budgets().usage(experimentId, "a", DAY).reservedTokens()).isZero();
    }

    @Test
    void budgetsAndCounters_surviveAReopen() {
        Budget b = store.budgets().put(budget("a", "safety", 500, 2.5));
        store.budgets().reserve(b, DAY, 10, 1000);
        store.budgets().settle(b, DAY, 10, 1000, 12, 900, 1);
        assertThat(store.budgets().markAlerted(b, DAY, 80)).isTrue();
        store.close();
        store = reopenStore(clock);
        if (store == null) {
            return; // not a durable store: nothing to check
        }
        assertThat(store.budgets().get(experimentId, "a").orElseThrow()).isEqualTo(b);
        BudgetUsage u = store.budgets().usage(experimentId, "a", DAY);
        assertThat(u.spentTokens()).isEqualTo(12);
        assertThat(u.spentNanoUsd()).isEqualTo(900);
        assertThat(u.calls()).isEqualTo(1);
        assertThat(u.alertedPercent()).as("an alert sent before a restart is not sent again").isEqualTo(80);
        assertThat(store.budgets().markAlerted(b, DAY, 80)).isFalse();
    }
}
