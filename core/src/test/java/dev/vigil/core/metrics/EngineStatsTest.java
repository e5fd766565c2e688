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

    @Test
    void sessionPasses_areCountedInTotalAndPerExperiment_throughTheComposite() {
        EngineStats stats = new EngineStats();
        EngineMetrics metrics = EngineMetrics.composite(stats);
        metrics.sessionPass("exp-a", 3, 1, 2);
        metrics.sessionPass("exp-a", 0, 0, 0);
        metrics.sessionPass("exp-b", 5, 0, 1);

        assertThat(stats.snapshot("exp-a").sessions()).isEqualTo(new EngineStats.SessionCounts(2, 3, 1, 2));
        assertThat(stats.snapshot("exp-b").sessions()).isEqualTo(new EngineStats.SessionCounts(1, 5, 0, 1));
        assertThat(stats.snapshot().sessions()).isEqualTo(new EngineStats.SessionCounts(3, 8, 1, 3));
        assertThat(stats.snapshot("exp-never-seen").sessions()).isEqualTo(EngineStats.SessionCounts.NONE);
        assertThat(stats.snapshot().tracesSeen()).as("a session pass is no trace").isZero();
    }

    @Test
    void snapshotWithoutSessionCounters_hasZeros() {
        assertThat(new EngineStats.Snapshot(1, java.util.Map.of(), 0, 0).sessions())
                .isEqualTo(EngineStats.SessionCounts.NONE);
    }
}
