package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.Store;
import dev.vigil.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link Store} backend passes. A backend's test class extends it and implements
 * {@link #openStore(Clock)}:
 *
 * <pre>{@code
 * class JdbcStoreConformanceTest extends StoreConformanceSuite {
 *     @Override
 *     protected Store openStore(Clock clock) {
 *         return Stores.open("jdbc:h2:mem:" + UUID.randomUUID(), StoreOptions.withClock(clock));
 *     }
 * }
 * }</pre>
 *
 * <p>The tests live in suites by concern, chained on a shared setup ({@link StoreConformanceBase}):
 * {@link TraceWriteConformance}, {@link TraceReadConformance}, {@link AssessmentConformance},
 * {@link ScorerJobConformance}, and this class (leases, lifecycle), so a backend extends this one class.
 *
 * <p>Each test gets a new, empty store opened with a fresh {@link MutableClock} ({@link #clock}), which the suite
 * advances by hand to expire leases; the store is closed after the test. A durable backend extends
 * {@link DurableStoreConformanceSuite} instead, which adds the reopen test.
 *
 * <p>The contract checked here, beyond the javadoc of the {@code dev.vigil.spi.store} interfaces:
 * <ul>
 *   <li>every field of traces (spans, events, attributes), assessments, scorer versions and jobs round-trips:
 *       what is read back {@code equals} what was written. Request and assessment times are written with
 *       millisecond precision (MLflow's), span and event times are nanoseconds and must round-trip exactly.
 *       JSON numbers are written as {@code Long} or {@code Double} (see {@code dev.vigil.spi.json.Json}).
 *       Payloads hold any Unicode except U+0000, empty strings/maps/lists, and strings of 1 MB;</li>
 *   <li>bad input is rejected with {@link InvalidInputException} whose message names the offending value, and
 *       nothing of the call is written: a trace of an unknown experiment (the whole batch), an assessment on a
 *       trace not stored (the whole batch), scorer feedback without scorer name/version metadata, a scan of an
 *       unknown experiment (but {@code count} and {@code valuesByScorer} of one are simply empty), a bad page token or page size, a scorer or job of an unknown experiment, a new scorer
 *       version or job whose revision is not 1, a negative cursor position, a non-positive lease TTL;</li>
 *   <li>{@code append} assigns ids of the form the backend chooses (unique) to assessments without one and
 *       rejects an id already stored; {@code upsertScorerFeedback} replaces by key, keeping id, create time and
 *       place in the creation order;</li>
 *   <li>scans are keyset-paged by (request time, trace id), from inclusive and to exclusive; the last page has
 *       a null token (a backend may return one more, empty page before it); a query's filter is applied with the
 *       semantics of the SPI's {@link dev.vigil.spi.filter.FilterEvaluator} (a backend may simply evaluate
 *       {@code FilterEvaluator.compile(query.filter())} on each candidate, with the trace's current assessments, or push
 *       the filter down), and a filtered scan still pages without gaps or repeats;</li>
 *   <li>a scorer version must be created as latest + 1: a version at or below the latest is a
 *       {@link StaleWriteException} (another writer got there first), one above latest + 1 an
 *       {@link InvalidInputException};</li>
 *   <li>a lease is held while the clock reads strictly before {@code expiresAt}; re-acquiring a held lease by
 *       its owner renews it with the same token; an expired or released lease is free, and its next holder (the
 *       old owner included) gets a strictly greater token; {@code renew} succeeds while the caller's lease is
 *       still the stored one (even if expired, as long as nobody took it), and fails once another owner has
 *       it or it was released;</li>
 *   <li>jobs are listed newest first; cursors never move back;</li>
 *   <li>after {@link Store#close()} (idempotent) every operation throws.</li>
 * </ul>
 * Concurrency tests use a few threads and bounded loops; every test has a 10-minute timeout, a hang guard only
 * (a busy machine can be slow, never that slow).
 */
public abstract class StoreConformanceSuite extends ScorerJobConformance {

    // ================================================================== leases

    @Test
    void lease_heldByOneOwner_isExclusiveUntilItExpires() {
        Duration ttl = Duration.ofSeconds(30);
        Lease a = store.jobs().tryAcquire("partition-0", "engine-a", ttl).orElseThrow();
        assertThat(a.owner()).isEqualTo("engine-a");
        assertThat(a.resource()).isEqualTo("partition-0");
        assertThat(a.expiresAt()).isEqualTo(T0.plus(ttl));
        assertThat(store.jobs().tryAcquire("partition-0", "engine-b", ttl)).isEmpty();
        assertThat(store.jobs().tryAcquire("partition-1", "engine-b", ttl)).isPresent();
        clock.advance(Duration.ofSeconds(29));
        assertThat(store.jobs().tryAcquire("partition-0", "engine-b", ttl)).as("1 s before expiry").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        Lease b = store.jobs().tryAcquire("partition-0", "engine-b", ttl).orElseThrow();
        assertThat(b.owner()).isEqualTo("engine-b");
        assertThat(b.token()).as("a new holder gets a greater fencing token").isGreaterThan(a.token());
        assertThat(b.expiresAt()).isEqualTo(clock.instant().plus(ttl));
        assertThat(store.jobs().tryAcquire("partition-0", "engine-a", ttl)).isEmpty();
    }

    @Test
    void lease_reacquiredByItsOwner_isRenewedWithTheSameToken() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        clock.advance(Duration.ofSeconds(5));
        Lease again = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        assertThat(again.token()).isEqualTo(a.token());
        assertThat(again.expiresAt()).isEqualTo(T0.plusSeconds(15));
    }

    @Test
    void lease_renewedBeforeExpiry_staysWithItsHolder() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(8));
            a = store.jobs().renew(a, Duration.ofSeconds(10)).orElseThrow();
            assertThat(a.expiresAt()).isEqualTo(clock.instant().plusSeconds(10));
            assertThat(store.jobs().tryAcquire("r", "engine-b", Duration.ofSeconds(10))).isEmpty();
        }
    }

    @Test
    void lease_expiredAndTakenOver_cannotBeRenewedByTheOldHolder() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        clock.advance(Duration.ofSeconds(11));
        Lease b = store.jobs().tryAcquire("r", "engine-b", Duration.ofSeconds(10)).orElseThrow();
        assertThat(store.jobs().renew(a, Duration.ofSeconds(10))).isEmpty();
        store.jobs().release(a); // no effect: a is not the holder
        assertThat(store.jobs().tryAcquire("r", "engine-c", Duration.ofSeconds(10))).isEmpty();
        assertThat(store.jobs().renew(b, Duration.ofSeconds(10))).isPresent();
    }

    @Test
    void lease_expiredButNotTaken_canStillBeRenewedByItsHolder() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        clock.advance(Duration.ofSeconds(20));
        Lease renewed = store.jobs().renew(a, Duration.ofSeconds(10)).orElseThrow();
        assertThat(renewed.token()).isEqualTo(a.token());
        assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plusSeconds(10));
    }

    @Test
    void lease_released_isFreeAndTheNextHolderGetsAGreaterToken() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofMinutes(10)).orElseThrow();
        store.jobs().release(a);
        assertThat(store.jobs().renew(a, Duration.ofSeconds(10))).isEmpty();
        Lease b = store.jobs().tryAcquire("r", "engine-b", Duration.ofMinutes(10)).orElseThrow();
        assertThat(b.token()).isGreaterThan(a.token());
        store.jobs().release(b);
        Lease a2 = store.jobs().tryAcquire("r", "engine-a", Duration.ofMinutes(10)).orElseThrow();
        assertThat(a2.token()).isGreaterThan(b.token());
    }

    @Test
    void lease_concurrentAcquirers_exactlyOneWins() throws Exception {
        Map<Integer, Optional<Lease>> results = new ConcurrentHashMap<>();
        runConcurrently(6, thread -> results.put(thread,
                store.jobs().tryAcquire("contended", "engine-" + thread, Duration.ofMinutes(1))));
        assertThat(results.values().stream().filter(Optional::isPresent).count()).isEqualTo(1);
    }

    @Test
    void lease_badArguments_rejected() {
        assertThatThrownBy(() -> store.jobs().tryAcquire("r", "o", Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.jobs().tryAcquire("r", "o", Duration.ofSeconds(-1))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.jobs().tryAcquire("", "o", Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.jobs().tryAcquire("r", "", Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class);
        assertThat(store.jobs().tryAcquire("r", "o", Duration.ofSeconds(1))).isPresent();
    }

    // ================================================================== lifecycle

    @Test
    void close_isIdempotentAndLaterOperationsFail() {
        String exp = experiment("e").experimentId();
        store.close();
        store.close();
        assertThatThrownBy(() -> store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0)))))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> store.experiments().list()).isInstanceOf(RuntimeException.class);
    }

    @Test
    void describe_namesTheStore() {
        assertThat(store.describe()).isNotBlank();
    }
}
