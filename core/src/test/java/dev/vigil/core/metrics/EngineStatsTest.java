package dev.vigil.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The engine's counters, for the whole engine and per experiment (issue #20: monitor counted every experiment). */
class EngineStatsTest {

    @Test
    void snapshotOfAnExperiment_countsOnlyItsTracesAndScorers() {
        EngineStats stats = new EngineStats();
        EngineMetrics metrics = EngineMetrics.composite(stats);
        for (int i = 0; i < 3; i++) {
            metrics.traceSeen("exp-a");
            metrics.sampled("exp-a", "safety");
            metrics.scored("exp-a", "safety", 1_000);
        }
        for (int i = 0; i < 5; i++) {
            metrics.traceSeen("exp-b");
            metrics.sampled("exp-b", "safety");
            metrics.failed("exp-b", "safety", "TIMEOUT");
        }

        EngineStats.Snapshot a = stats.snapshot("exp-a");
        EngineStats.Snapshot b = stats.snapshot("exp-b");
        EngineStats.Snapshot all = stats.snapshot();

        assertThat(a.tracesSeen()).isEqualTo(3);
        assertThat(a.scorer("safety")).isEqualTo(new EngineStats.ScorerCounts(3, 3, 0, 0, 0, 0));
        assertThat(b.tracesSeen()).isEqualTo(5);
        assertThat(b.scorer("safety")).isEqualTo(new EngineStats.ScorerCounts(5, 0, 5, 0, 0, 0));
        assertThat(all.tracesSeen()).isEqualTo(8);
        assertThat(all.scorer("safety")).isEqualTo(new EngineStats.ScorerCounts(8, 3, 5, 0, 0, 0));
        assertThat(stats.snapshot("exp-never-seen").tracesSeen()).isZero();
    }
}
