package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Conformance of the reservations a {@link dev.vigil.spi.store.BudgetStore} holds under an id: reclaimed after their
 * expiry (an engine that died), settled without releasing twice, dropped with their budget, kept across a reopen;
 * and alert destinations kept with a budget.
 */
public abstract class BudgetReservationConformance extends BudgetLimitConformance {

    private static final Duration TTL = Duration.ofMinutes(10);

    @Test
    void aReservationNeverSettled_isReturnedAfterItsExpiry_notBefore() {
        Budget b = store.budgets().put(budget("ttl", "safety", 1000, 0));
        assertThat(store.budgets().reserve(b, DAY, "dead-engine-call", 600, 0, T0.plus(TTL))).isTrue();
        assertThat(store.budgets().reserve(b, DAY, "refused", 500, 0, T0.plus(TTL))).isFalse();
        assertThat(store.budgets().heldReservations(experimentId, "ttl")).isEqualTo(1);

        assertThat(store.budgets().reclaimExpired(T0.plus(TTL).minusSeconds(1))).isZero();
        assertThat(store.budgets().usage(experimentId, "ttl", DAY).reservedTokens()).isEqualTo(600);

        assertThat(store.budgets().reclaimExpired(T0.plus(TTL))).isEqualTo(1);
        BudgetUsage u = store.budgets().usage(experimentId, "ttl", DAY);
        assertThat(u.reservedTokens()).isZero();
        assertThat(u.spentTokens()).isZero();
        assertThat(store.budgets().heldReservations(experimentId, "ttl")).isZero();
        assertThat(store.budgets().reserve(b, DAY, "after", 500, 0, T0.plus(TTL.multipliedBy(2)))).isTrue();
        assertThat(store.budgets().reclaimExpired(T0.plus(TTL))).as("only expired ones").isZero();
    }

    @Test
    void aSettleAfterItsReservationWasReclaimed_addsTheUsage_withoutReleasingTwice() {
        Budget b = store.budgets().put(budget("late", null, 1000, 1.0));
        long cent = BudgetUsage.toNanoUsd(0.01);
        assertThat(store.budgets().reserve(b, DAY, "slow", 600, cent, T0.plusSeconds(60))).isTrue();
        assertThat(store.budgets().reserve(b, DAY, "live", 300, cent, T0.plus(Duration.ofHours(1)))).isTrue();

        assertThat(store.budgets().reclaimExpired(T0.plusSeconds(120))).isEqualTo(1);
        assertThat(store.budgets().usage(experimentId, "late", DAY).reservedTokens()).isEqualTo(300);

        store.budgets().settle(b, DAY, "slow", 550, cent, 1);
        BudgetUsage u = store.budgets().usage(experimentId, "late", DAY);
        assertThat(u.reservedTokens()).as("the live reservation is kept").isEqualTo(300);
        assertThat(u.reservedNanoUsd()).isEqualTo(cent);
        assertThat(u.spentTokens()).isEqualTo(550);
        assertThat(u.calls()).isEqualTo(1);

        store.budgets().settle(b, DAY, "live", 250, cent, 1);
        u = store.budgets().usage(experimentId, "late", DAY);
        assertThat(u.reservedTokens()).isZero();
        assertThat(u.reservedNanoUsd()).isZero();
        assertThat(u.spentTokens()).isEqualTo(800);
        assertThat(u.spentNanoUsd()).isEqualTo(2 * cent);
        assertThat(store.budgets().heldReservations(experimentId, "late")).isZero();
        assertThat(store.budgets().reclaimExpired(T0.plus(Duration.ofDays(1)))).as("nothing left to reclaim").isZero();
    }

    @Test
    void anEmptyReservation_isNotKept() {
        Budget b = store.budgets().put(budget("zero", null, 100, 0));
        assertThat(store.budgets().reserve(b, DAY, "first-call", 0, 0, T0.plusSeconds(60))).isTrue();
        assertThat(store.budgets().heldReservations(experimentId, "zero")).isZero();
        store.budgets().settle(b, DAY, "first-call", 40, 0, 1);
        assertThat(store.budgets().usage(experimentId, "zero", DAY).spentTokens()).isEqualTo(40);
    }

    @Test
    void reclaimingFromManyEnginesAtOnce_returnsEachReservationOnce() throws Exception {
        Budget b = store.budgets().put(budget("crowd", null, 1000, 0));
        for (int i = 0; i < 20; i++) {
            assertThat(store.budgets().reserve(b, DAY, "r" + i, 10, 0, T0.plusSeconds(30))).isTrue();
        }
        AtomicInteger reclaimed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(pool.submit(() -> reclaimed.addAndGet(store.budgets().reclaimExpired(T0.plusSeconds(60)))));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reclaimed.get()).isEqualTo(20);
        assertThat(store.budgets().usage(experimentId, "crowd", DAY).reservedTokens()).isZero();
    }

    @Test
    void deletingABudget_dropsItsHeldReservations() {
        Budget b = store.budgets().put(budget("gone", null, 100, 0));
        store.budgets().reserve(b, DAY, "held", 10, 0, T0.plusSeconds(30));
        store.budgets().delete(experimentId, "gone");
        assertThat(store.budgets().heldReservations(experimentId, "gone")).isZero();
        assertThat(store.budgets().reclaimExpired(T0.plusSeconds(60))).isZero();
    }

    @Test
    void alertDestinations_areKeptWithTheBudget_andHeldReservationsSurviveAReopen() {
        NotifierConfig slack = new NotifierConfig("slack", Map.of("url", "https://hooks.example/T000/B000/XXXX"));
        NotifierConfig webhook = new NotifierConfig("webhook", Map.of("url", "http://127.0.0.1:9/hook",
                "secret", "0123456789abcdef0123"));
        Budget b = store.budgets().put(budget("notified", null, 100, 0).withDestinations(List.of(slack, webhook)));
        assertThat(store.budgets().get(experimentId, "notified").orElseThrow().destinations())
                .containsExactly(slack, webhook);
        assertThat(b.toString()).doesNotContain("hooks.example").doesNotContain("0123456789abcdef");
        store.budgets().reserve(b, DAY, "in-flight", 40, 0, T0.plusSeconds(30));
        store.close();
        store = reopenStore(clock);
        if (store == null) {
            return; // not a durable store: nothing more to check
        }
        assertThat(store.budgets().get(experimentId, "notified").orElseThrow()).isEqualTo(b);
        assertThat(store.budgets().heldReservations(experimentId, "notified")).isEqualTo(1);
        assertThat(store.budgets().reclaimExpired(T0.plusSeconds(30))).isEqualTo(1);
        assertThat(store.budgets().usage(experimentId, "notified", DAY).reservedTokens()).isZero();
    }
}
