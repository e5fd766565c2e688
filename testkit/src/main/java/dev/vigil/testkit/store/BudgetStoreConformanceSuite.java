package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.OutboxEntry;
import dev.vigil.spi.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Conformance of a store's {@link dev.vigil.spi.store.BudgetStore} and of its alert outbox ({@link Store#outbox()}).
 * The tests live in suites by concern, chained on a shared setup ({@link BudgetConformanceBase}):
 * {@link BudgetLimitConformance} (budgets, limits, counters), {@link BudgetReservationConformance} (reservations
 * held under an id and their expiry, alert destinations), and this class, the outbox: one entry per notification id,
 * taken under a lease by one sender of many, marked sent, kept across a reopen. Subclass it once per backend;
 * override {@link #reopenStore(Clock)} for a durable backend.
 */
public abstract class BudgetStoreConformanceSuite extends BudgetReservationConformance {

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
