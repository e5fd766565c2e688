package dev.vigil.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.store.PendingRetry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A backfill job's checkpoint keeps its page token and its deferred pairs, and still reads a bare token. */
class BackfillCheckpointTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void encodeDecode_keepsThePageTokenAndTheDeferredPairs() {
        PendingRetry p = new PendingRetry("exp-1", "tr-1", "judge", 2, 3, T0, T0.plusSeconds(120),
                FailureKind.RATE_LIMITED, "429 Too Many Requests");
        PendingRetry noKind = new PendingRetry("exp-1", "tr-2", "judge", 2, 1, T0, T0, null, "");
        BackfillCheckpoint cp = new BackfillCheckpoint("dG9rZW4", false, List.of(p, noKind));

        BackfillCheckpoint back = BackfillCheckpoint.decode(cp.encode(), "exp-1");

        assertThat(back).isEqualTo(cp);
    }

    @Test
    void decode_aBareTokenFromAnOlderVersion_isThePageToken() {
        assertThat(BackfillCheckpoint.decode("ZnMyCjE3", "exp-1"))
                .isEqualTo(new BackfillCheckpoint("ZnMyCjE3", false, List.of()));
        assertThat(BackfillCheckpoint.decode(null, "exp-1")).isEqualTo(BackfillCheckpoint.START);
    }

    @Test
    void encode_withoutDeferredPairs_beforeTheEnd_isTheBareToken_andTheEndIsKept() {
        assertThat(new BackfillCheckpoint("dG9rZW4", false, List.of()).encode()).isEqualTo("dG9rZW4");
        BackfillCheckpoint ended = new BackfillCheckpoint(null, true, List.of());
        assertThat(BackfillCheckpoint.decode(ended.encode(), "exp-1")).isEqualTo(ended);
    }

    @Test
    void encode_cutsLongFailureMessages() {
        PendingRetry p = new PendingRetry("exp-1", "tr-1", "judge", 1, 1, T0, T0, FailureKind.TIMEOUT,
                "x".repeat(10_000));
        BackfillCheckpoint back = BackfillCheckpoint.decode(
                new BackfillCheckpoint(null, true, List.of(p)).encode(), "exp-1");
        assertThat(back.deferred().get(0).lastMessage()).hasSize(BackfillCheckpoint.MESSAGE_CHARS + 1);
    }
}
