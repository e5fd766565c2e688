package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.BudgetUsage;
import dev.vigil.spi.store.OutboxEntry;
import dev.vigil.spi.store.Store;
import dev.vigil.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance of a store's {@link dev.vigil.spi.store.BudgetStore}: budgets set, replaced, listed and deleted;
 * reservations that never pass a limit, also from many threads at once; settling, skips, alert marks and period
 * rollover; reservations held under an id that are reclaimed after their expiry (an engine that died) and settled
 * without releasing twice; alert destinations kept with a budget; the alert outbox ({@link Store#outbox()}): one
 * entry per notification id, taken under a lease by one sender of many, marked sent, kept across a reopen. Subclass it once per backend; override {@link #reopenStore(Clock)} for a durable backend.
 */
public abstract class BudgetStoreConformanceSuite {

    /** The suite's start time. */
    protected static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private static final Instant DAY = BudgetPeriod.DAY.start(T0);

    /** The store under test. */
    protected Store store;
    /** The clock given to it. */
    protected MutableClock clock;
    private String experimentId;

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

    private Budget budget(String name, String scorer, long maxTokens, double maxUsd) {
        return new Budget(experimentId, name, scorer, BudgetPeriod.DAY, maxTokens, maxUsd, BudgetAction.STOP, T0);
    }

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

    // ------------------------------------------------------------------ the alert outbox (Store.outbox())

    private OutboxEntry alert(String id, Instant at) {
        return OutboxEntry.pending(id, experimentId, "budget", "daily-usd", "{\"id\":\"" + id + "\"}", at);
    }

    @Test
    void outbox_recordsOneEntryPerId_pendingAndDueOldestFirst() {
        assertThat(store.outbox().record(alert("budget-x-100", T0.plusSeconds(2)))).isTrue();
        assertThat(store.outbox().record(alert("budget-x-80", T0.plusSeconds(1)))).isTrue();
        assertThat(store.outbox().record(OutboxEntry.pending("budget-x-80", experimentId, "budget", "other",
                "{}", T0.plusSeconds(9)))).as("the same crossing recorded again, by any engine: a no-op").isFalse();

        assertThat(store.outbox().due(T0.plusSeconds(10), 10)).extracting(OutboxEntry::id)
                .containsExactly("budget-x-80", "budget-x-100");
        assertThat(store.outbox().due(T0.plusSeconds(10), 1)).extracting(OutboxEntry::id)
                .containsExactly("budget-x-80");
        OutboxEntry kept = store.outbox().get("budget-x-80").orElseThrow();
        assertThat(kept).isEqualTo(alert("budget-x-80", T0.plusSeconds(1)));
        assertThat(kept.isPending()).isTrue();
        assertThat(store.outbox().get("missing")).isEmpty();
    }

    @Test
    void outbox_aTakenEntry_isNotDueUntilItsLeaseEnds_andASentOneNeverAgain() {
        store.outbox().record(alert("budget-x-80", T0));
        Instant lease = T0.plusSeconds(600);

        assertThat(store.outbox().claim("budget-x-80", T0, lease)).isTrue();
        assertThat(store.outbox().claim("budget-x-80", T0.plusSeconds(1), lease.plusSeconds(1)))
                .as("another sender while the lease holds").isFalse();
        assertThat(store.outbox().due(T0.plusSeconds(599), 10)).isEmpty();
        // the sender died mid-send: after its lease the entry is due again, and taken again
        assertThat(store.outbox().due(lease, 10)).extracting(OutboxEntry::id).containsExactly("budget-x-80");
        assertThat(store.outbox().claim("budget-x-80", lease, lease.plusSeconds(600))).isTrue();
        assertThat(store.outbox().get("budget-x-80").orElseThrow().attempts()).isEqualTo(2);

        assertThat(store.outbox().markSent("budget-x-80", lease.plusSeconds(5))).isTrue();
        assertThat(store.outbox().markSent("budget-x-80", lease.plusSeconds(6))).isFalse();
        OutboxEntry sent = store.outbox().get("budget-x-80").orElseThrow();
        assertThat(sent.sentAt()).isEqualTo(lease.plusSeconds(5));
        assertThat(sent.isPending()).isFalse();
        assertThat(store.outbox().due(lease.plusSeconds(10_000), 10)).isEmpty();
        assertThat(store.outbox().claim("budget-x-80", lease.plusSeconds(10_000), lease.plusSeconds(20_000)))
                .isFalse();
        assertThat(store.outbox().record(alert("budget-x-80", T0))).as("a sent crossing is not recorded again")
                .isFalse();
    }

    @Test
    void outbox_ofManySendersTakingOneEntryAtOnce_exactlyOneGetsIt() throws Exception {
        store.outbox().record(alert("budget-race-100", T0));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> takes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                takes.add(pool.submit(() -> store.outbox().claim("budget-race-100", T0, T0.plusSeconds(60))));
            }
            int won = 0;
            for (Future<Boolean> f : takes) {
                won += f.get(2, java.util.concurrent.TimeUnit.MINUTES) ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.outbox().get("budget-race-100").orElseThrow().attempts()).isEqualTo(1);
    }

    @Test
    void outbox_rejectsWhatIsNotAPendingEntryOfAnExistingExperiment() {
        assertThatThrownBy(() -> store.outbox().record(OutboxEntry.pending("a", "no-such-experiment", "budget",
                "b", "{}", T0))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.outbox().record(new OutboxEntry("a", experimentId, "budget", "b", "{}", T0,
                0, null, T0))).isInstanceOf(InvalidInputException.class).hasMessageContaining("pending");
        assertThatThrownBy(() -> store.outbox().claim("a", T0, T0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("after now");
        assertThatThrownBy(() -> store.outbox().due(T0, 0)).isInstanceOf(InvalidInputException.class);
        assertThat(store.outbox().get("a")).isEmpty();
    }

    @Test
    void outbox_aPendingEntry_survivesAReopen_andIsStillDue() {
        store.outbox().record(alert("budget-x-80", T0));
        store.outbox().record(alert("budget-x-100", T0.plusSeconds(1)));
        store.outbox().claim("budget-x-100", T0.plusSeconds(1), T0.plusSeconds(61));
        store.outbox().markSent("budget-x-100", T0.plusSeconds(2));
        store.outbox().record(alert("budget-y-80", T0.plusSeconds(3)));
        store.outbox().claim("budget-y-80", T0.plusSeconds(3), T0.plusSeconds(63)); // the engine dies mid-send
        store.close();
        store = reopenStore(clock);
        if (store == null) {
            return; // not a durable store: nothing more to check
        }
        assertThat(store.outbox().due(T0.plusSeconds(10), 10)).extracting(OutboxEntry::id)
                .containsExactly("budget-x-80");
        assertThat(store.outbox().due(T0.plusSeconds(63), 10)).extracting(OutboxEntry::id)
                .containsExactly("budget-x-80", "budget-y-80");
        assertThat(store.outbox().get("budget-x-100").orElseThrow().sentAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(store.outbox().get("budget-y-80").orElseThrow().leaseUntil()).isEqualTo(T0.plusSeconds(63));
    }
}
