package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.metrics.EngineStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The demo waits for the engine to drain, not for a fixed time; a fake ticker stands in for a slow machine. */
class DemoDrainTest {

    private final AtomicLong now = new AtomicLong();

    private static EngineStats.Snapshot snap(long seen, long queue, long lag) {
        return new EngineStats.Snapshot(seen, Map.of(), queue, lag);
    }

    @Test
    void await_onASlowMachine_waitsPastTwentySeconds_untilEveryTraceIsSeenAndTheQueueIsEmpty() {
        // the engine needs 3 minutes (of ticker time) to catch up with 500 logged traces
        List<EngineStats.Snapshot> shown = new ArrayList<>();
        DemoDrain.Outcome o = DemoDrain.await(() -> {
            long secs = now.get() / 1_000_000_000L;
            return secs < 120 ? snap(secs * 4, 30, 500 - secs * 4) : secs < 180 ? snap(500, 7, 0) : snap(500, 0, 0);
        }, 500, () -> false, ms -> now.addAndGet(ms * 1_000_000L), now::get, DemoDrain.LIMIT, shown::add);

        assertThat(o).isEqualTo(DemoDrain.Outcome.DRAINED);
        assertThat(now.get()).isGreaterThanOrEqualTo(Duration.ofSeconds(180).toNanos());
        assertThat(shown).as("progress shown while waiting").isNotEmpty()
                .allSatisfy(s -> assertThat(DemoDrain.drained(s, 500)).isFalse());
    }

    @Test
    void await_queueEmptyButTracesNotYetSeen_keepsWaiting() {
        AtomicInteger calls = new AtomicInteger();
        DemoDrain.Outcome o = DemoDrain.await(() -> calls.incrementAndGet() < 5 ? snap(90, 0, 0) : snap(100, 0, 0),
                100, () -> false, ms -> now.addAndGet(ms * 1_000_000L), now::get, DemoDrain.LIMIT, s -> { });

        assertThat(o).isEqualTo(DemoDrain.Outcome.DRAINED);
        assertThat(calls.get()).isEqualTo(5);
    }

    @Test
    void await_ctrlC_endsTheWaitAtOnce() {
        AtomicInteger turns = new AtomicInteger();
        DemoDrain.Outcome o = DemoDrain.await(() -> snap(0, 10, 10), 100, () -> turns.get() >= 3,
                ms -> turns.incrementAndGet(), now::get, DemoDrain.LIMIT, s -> { });

        assertThat(o).isEqualTo(DemoDrain.Outcome.STOPPED);
        assertThat(turns.get()).isEqualTo(3);
    }

    @Test
    void await_aStuckEngine_endsAtTheGenerousLimit() {
        DemoDrain.Outcome o = DemoDrain.await(() -> snap(10, 1, 90), 100, () -> false,
                ms -> now.addAndGet(ms * 1_000_000L), now::get, DemoDrain.LIMIT, s -> { });

        assertThat(o).isEqualTo(DemoDrain.Outcome.TIMED_OUT);
        assertThat(now.get()).isGreaterThanOrEqualTo(DemoDrain.LIMIT.toNanos());
    }
}
