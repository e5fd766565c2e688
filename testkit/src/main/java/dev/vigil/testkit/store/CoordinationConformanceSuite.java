package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Conformance of a store's {@link dev.vigil.spi.store.Coordination}: cursor and checkpoint writes fenced by a
 * lease (a stale or expired lease is refused and changes nothing), and the stored partition count. Subclass it once
 * per backend; override {@link #reopenStore(Clock)} for a durable backend.
 */
public abstract class CoordinationConformanceSuite extends StoreSuiteBase {

    /** The suite's start time. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(30);

    /** Opens each test's store at {@link #T0}. */
    protected CoordinationConformanceSuite() {
        super(T0);
    }

    @Test
    void saveCursor_withTheCurrentLease_movesItForwardOnly() {
        Lease lease = store.jobs().tryAcquire("partition.0", "engine-a", TTL).orElseThrow();

        store.coordination().saveCursor("cursor.0", 10, lease);
        store.coordination().saveCursor("cursor.0", 4, lease);

        assertThat(store.jobs().cursor("cursor.0")).hasValue(10);
    }

    @Test
    void saveCursor_afterTheLeaseExpiredAndWasTakenOver_isRefused() {
        Lease a = store.jobs().tryAcquire("partition.0", "engine-a", TTL).orElseThrow();
        store.coordination().saveCursor("cursor.0", 10, a);
        clock.advance(TTL.plusSeconds(1)); // engine-a paused past its lease
        Lease b = store.jobs().tryAcquire("partition.0", "engine-b", TTL).orElseThrow();
        assertThat(b.token()).isGreaterThan(a.token());
        store.coordination().saveCursor("cursor.0", 20, b);

        assertThatThrownBy(() -> store.coordination().saveCursor("cursor.0", 50, a))
                .isInstanceOf(StaleWriteException.class).hasMessageContaining("partition.0");

        assertThat(store.jobs().cursor("cursor.0")).hasValue(20);
    }

    @Test
    void saveCursor_withAnExpiredLeaseNobodyTook_isRefused() {
        Lease a = store.jobs().tryAcquire("partition.0", "engine-a", TTL).orElseThrow();
        clock.advance(TTL.plusSeconds(1));

        assertThatThrownBy(() -> store.coordination().saveCursor("cursor.0", 5, a))
                .isInstanceOf(StaleWriteException.class).hasMessageContaining("expired");
        assertThat(store.jobs().cursor("cursor.0")).isEmpty();
    }

    @Test
    void saveCursor_afterRelease_isRefused_andWithoutALease_isInvalid() {
        Lease a = store.jobs().tryAcquire("partition.0", "engine-a", TTL).orElseThrow();
        store.jobs().release(a);

        assertThatThrownBy(() -> store.coordination().saveCursor("cursor.0", 5, a))
                .isInstanceOf(StaleWriteException.class);
        assertThatThrownBy(() -> store.coordination().saveCursor("cursor.0", 5, null))
                .isInstanceOf(InvalidInputException.class);
        assertThat(store.jobs().cursor("cursor.0")).isEmpty();
    }

    @Test
    void updateJob_withAStaleLease_isRefused_andTheCheckpointStays() {
        String exp = store.experiments().getOrCreate("fencing").experimentId();
        Job job = store.jobs().create(new Job("job-1", exp, "backfill", Map.of(), JobStatus.PENDING, Map.of(), null,
                null, 1, T0, T0));
        Lease a = store.jobs().tryAcquire("job.job-1", "engine-a", TTL).orElseThrow();
        job = store.coordination().updateJob(job.next(JobStatus.RUNNING, Map.of("scanned", 10L), "page-1", null,
                T0), a);
        clock.advance(TTL.plusSeconds(1));
        Lease b = store.jobs().tryAcquire("job.job-1", "engine-b", TTL).orElseThrow();
        Job stale = job.next(JobStatus.RUNNING, Map.of("scanned", 20L), "page-2", null, T0);

        assertThatThrownBy(() -> store.coordination().updateJob(stale, a)).isInstanceOf(StaleWriteException.class);
        assertThat(store.jobs().get("job-1").orElseThrow().checkpoint()).isEqualTo("page-1");
        assertThat(store.coordination().updateJob(stale, b).checkpoint()).isEqualTo("page-2");
    }

    @Test
    void partitionCount_isStoredOnce_byTheFirstEngine() {
        assertThat(store.coordination().partitionCount("traces")).isEqualTo(OptionalInt.empty());

        assertThat(store.coordination().initPartitionCount("traces", 4)).isEqualTo(4);
        assertThat(store.coordination().initPartitionCount("traces", 8)).isEqualTo(4);

        assertThat(store.coordination().partitionCount("traces")).hasValue(4);
        assertThatThrownBy(() -> store.coordination().initPartitionCount("traces", 0))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void changePartitionCount_carriesTheLowestCursorOver() {
        store.coordination().initPartitionCount("traces", 2);
        store.jobs().saveCursor("c.2.0", 40);
        store.jobs().saveCursor("c.2.1", 25);
        store.jobs().saveCursor("c.3.0", 99); // left from an older run with 3 partitions: set back, not kept

        store.coordination().changePartitionCount("traces", "c.", 2, 3);

        assertThat(store.coordination().partitionCount("traces")).hasValue(3);
        for (int i = 0; i < 3; i++) {
            assertThat(store.jobs().cursor("c.3." + i)).hasValue(25);
        }
        assertThatThrownBy(() -> store.coordination().changePartitionCount("traces", "c.", 2, 5))
                .isInstanceOf(StaleWriteException.class).hasMessageContaining("3");
        assertThat(store.coordination().partitionCount("traces")).hasValue(3);
    }

    @Test
    void partitionCount_survivesAReopen() {
        store.coordination().initPartitionCount("traces", 3);
        store.close();
        store = reopenStore(clock);
        if (store == null) {
            return; // not durable
        }

        assertThat(store.coordination().partitionCount("traces")).hasValue(3);
    }
}
