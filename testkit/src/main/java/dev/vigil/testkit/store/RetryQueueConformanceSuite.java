package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.store.PendingRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance of a store's {@link dev.vigil.spi.store.RetryQueue}: pairs deferred after a transient failure, one
 * per (trace, scorer, version), claimed when due and hidden while claimed. Subclass it once per backend; override
 * {@link #reopenStore(Clock)} for a durable backend.
 */
public abstract class RetryQueueConformanceSuite extends StoreSuiteBase {

    /** The suite's start time. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private String exp;

    /** Opens each test's store at {@link #T0}. */
    protected RetryQueueConformanceSuite() {
        super(T0);
    }

    @BeforeEach
    void createRetriesExperiment() {
        exp = store.experiments().getOrCreate("retries").experimentId();
    }

    private PendingRetry pair(String trace, String scorer, int version, int dueSeconds) {
        return new PendingRetry(exp, trace, scorer, version, 1, T0, T0.plusSeconds(dueSeconds),
                FailureKind.RATE_LIMITED, "429 Too Many Requests");
    }

    @Test
    void defer_thenClaimWhenDue_returnsEarliestFirst_andHidesThem() {
        store.retries().defer(List.of(pair("t2", "judge", 1, 20), pair("t1", "judge", 1, 10),
                pair("t3", "judge", 1, 300)));

        assertThat(store.retries().claim(T0.plusSeconds(5), 10, Duration.ofMinutes(1))).isEmpty();
        List<PendingRetry> claimed = store.retries().claim(T0.plusSeconds(30), 10, Duration.ofMinutes(1));

        assertThat(claimed).extracting(PendingRetry::traceId).containsExactly("t1", "t2");
        assertThat(claimed.get(0).lastKind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(claimed.get(0).lastMessage()).isEqualTo("429 Too Many Requests");
        // hidden for the hold time, then due again
        assertThat(store.retries().claim(T0.plusSeconds(60), 10, Duration.ofMinutes(1))).isEmpty();
        assertThat(store.retries().claim(T0.plusSeconds(91), 10, Duration.ofMinutes(1)))
                .extracting(PendingRetry::traceId).containsExactly("t1", "t2");
    }

    @Test
    void claim_respectsTheLimit() {
        List<PendingRetry> many = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            many.add(pair("t" + i, "judge", 1, i));
        }
        store.retries().defer(many);

        assertThat(store.retries().claim(T0.plusSeconds(100), 3, Duration.ofHours(1)))
                .extracting(PendingRetry::traceId).containsExactly("t0", "t1", "t2");
        assertThat(store.retries().claim(T0.plusSeconds(100), 10, Duration.ofHours(1))).hasSize(4);
    }

    @Test
    void defer_samePairAgain_replacesIt_keepingOneRow() {
        store.retries().defer(List.of(pair("t1", "judge", 1, 10)));
        PendingRetry again = new PendingRetry(exp, "t1", "judge", 1, 2, T0, T0.plusSeconds(600),
                FailureKind.TIMEOUT, "timed out after 30 s");
        store.retries().defer(List.of(again));

        assertThat(store.retries().count(exp, "judge", 1)).isEqualTo(1);
        assertThat(store.retries().list(exp, "judge", 1, 10)).containsExactly(again);
    }

    @Test
    void aPairWithoutAFailureKind_isStoredAsIs() {
        PendingRetry unavailable = new PendingRetry(exp, "t1", "lambda", 1, 1, T0, T0, null,
                "scorer cannot be built in this process");
        store.retries().defer(List.of(unavailable));

        assertThat(store.retries().list(exp, "lambda", 1, 10)).containsExactly(unavailable);
    }

    @Test
    void pairs_areKeyedByScorerVersion() {
        store.retries().defer(List.of(pair("t1", "judge", 1, 10), pair("t1", "judge", 2, 10),
                pair("t1", "other", 1, 10)));

        assertThat(store.retries().count(exp, "judge", 1)).isEqualTo(1);
        assertThat(store.retries().count(exp, "judge", 2)).isEqualTo(1);
        assertThat(store.retries().count(exp, "other", 1)).isEqualTo(1);
        assertThat(store.retries().count(exp, "missing", 1)).isZero();
        assertThat(store.retries().remove("t1", "judge", 2)).isTrue();
        assertThat(store.retries().remove("t1", "judge", 2)).isFalse();
        assertThat(store.retries().count(exp, "judge", 2)).isZero();
        assertThat(store.retries().count(exp, "judge", 1)).isEqualTo(1);
    }

    @Test
    void makeDue_movesOnlyThatScorersPairs() {
        store.retries().defer(List.of(pair("t1", "judge", 1, 3600), pair("t2", "judge", 1, 7200),
                pair("t3", "other", 1, 3600)));

        assertThat(store.retries().makeDue(exp, "judge", 1, T0)).isEqualTo(2);

        assertThat(store.retries().claim(T0, 10, Duration.ofMinutes(1))).extracting(PendingRetry::traceId)
                .containsExactly("t1", "t2");
    }

    @Test
    void defer_withANullPair_storesNothing() {
        assertThatThrownBy(() -> store.retries().defer(Arrays.asList(pair("t1", "judge", 1, 0), null)))
                .isInstanceOf(InvalidInputException.class);
        assertThat(store.retries().count(exp, "judge", 1)).isZero();
        assertThatThrownBy(() -> store.retries().claim(T0, 0, Duration.ofMinutes(1)))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void pendingRetry_rejectsAnIncompletePair() {
        assertThatThrownBy(() -> new PendingRetry(exp, "", "judge", 1, 1, T0, T0, FailureKind.TIMEOUT, "x"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("traceId");
        assertThatThrownBy(() -> new PendingRetry(exp, "t", "judge", 1, 0, T0, T0, FailureKind.TIMEOUT, "x"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("attempts");
    }

    @Test
    void pendingPairs_surviveAReopen() {
        store.retries().defer(List.of(pair("t1", "judge", 1, 10), pair("t2", "judge", 1, 20)));
        store.retries().remove("t2", "judge", 1);
        store.close();
        store = reopenStore(clock);
        if (store == null) {
            return; // not durable
        }

        assertThat(store.retries().list(exp, "judge", 1, 10)).containsExactly(pair("t1", "judge", 1, 10));
    }
}
