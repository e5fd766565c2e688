package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The conformance of scorer versions (revisions), jobs and cursors. */
public abstract class ScorerJobConformance extends AssessmentConformance {

    // ================================================================== scorers

    @Test
    void scorerCreate_thenRead_roundTripsEveryField() {
        String exp = experiment("e").experimentId();
        ScorerVersion v1 = scorerV(exp, "relevance ✓", 1);
        assertThat(store.scorers().create(v1)).isEqualTo(v1);
        assertThat(store.scorers().get(exp, "relevance ✓", 1)).contains(v1);
        assertThat(store.scorers().latest(exp, "relevance ✓")).contains(v1);
        assertThat(store.scorers().get(exp, "relevance ✓", 2)).isEmpty();
        assertThat(store.scorers().latest(exp, "nope")).isEmpty();
        ScorerVersion stopped = new ScorerVersion(exp, "plain", 1, new ScorerDefinition("python", Map.of()),
                SamplingConfig.STOPPED, 1, T0, T0);
        store.scorers().create(stopped);
        assertThat(store.scorers().get(exp, "plain", 1)).contains(stopped);
    }

    @Test
    void scorerCreate_versionsInOrder_listedByNameThenVersion() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        ScorerVersion b1 = store.scorers().create(scorerV(exp, "b", 1));
        ScorerVersion a1 = store.scorers().create(scorerV(exp, "a", 1));
        ScorerVersion b2 = store.scorers().create(scorerV(exp, "b", 2));
        store.scorers().create(scorerV(other, "a", 1));
        assertThat(store.scorers().list(exp)).containsExactly(a1, b1, b2);
        assertThat(store.scorers().latest(exp, "b")).contains(b2);
    }

    @Test
    void scorerCreate_existingVersion_isAStaleWrite() {
        String exp = experiment("e").experimentId();
        ScorerVersion v1 = store.scorers().create(scorerV(exp, "s", 1));
        ScorerVersion again = new ScorerVersion(exp, "s", 1, new ScorerDefinition("java", Map.of("x", 1L)),
                SamplingConfig.of(1.0), 1, T0, T0);
        assertThatThrownBy(() -> store.scorers().create(again)).isInstanceOf(StaleWriteException.class)
                .hasMessageContaining("'s'");
        assertThat(store.scorers().get(exp, "s", 1)).contains(v1);
    }

    @Test
    void scorerCreate_skippedVersionUnknownExperimentOrBadRevision_rejected() {
        String exp = experiment("e").experimentId();
        assertThatThrownBy(() -> store.scorers().create(scorerV(exp, "s", 2)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("2");
        assertThatThrownBy(() -> store.scorers().create(scorerV("no-such-experiment", "s", 1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no-such-experiment");
        ScorerVersion rev2 = new ScorerVersion(exp, "s", 1, new ScorerDefinition("java", Map.of()),
                SamplingConfig.of(1.0), 2, T0, T0);
        assertThatThrownBy(() -> store.scorers().create(rev2)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("revision");
        assertThat(store.scorers().list(exp)).isEmpty();
    }

    @Test
    void scorerCreate_concurrentCreatorsOfTheSameVersion_exactlyOneWins() throws Exception {
        String exp = experiment("e").experimentId();
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger stale = new AtomicInteger();
        runConcurrently(4, thread -> {
            try {
                store.scorers().create(scorerV(exp, "race", 1));
                wins.incrementAndGet();
            } catch (StaleWriteException e) {
                stale.incrementAndGet();
            }
        });
        assertThat(wins.get()).isEqualTo(1);
        assertThat(stale.get()).isEqualTo(3);
        assertThat(store.scorers().list(exp)).hasSize(1);
    }

    @Test
    void scorerUpdate_nextRevision_appliedAndStaleOneRejected() {
        String exp = experiment("e").experimentId();
        ScorerVersion v1 = store.scorers().create(scorerV(exp, "s", 1));
        clock.advance(Duration.ofSeconds(30));
        ScorerVersion started = v1.withSampling(SamplingConfig.of(0.5, null), clock.instant());
        assertThat(store.scorers().update(started)).isEqualTo(started);
        assertThat(store.scorers().get(exp, "s", 1)).contains(started);
        ScorerVersion staleWrite = v1.withSampling(SamplingConfig.of(0.9), clock.instant());
        assertThatThrownBy(() -> store.scorers().update(staleWrite)).isInstanceOf(StaleWriteException.class)
                .hasMessageContaining("revision");
        assertThat(store.scorers().get(exp, "s", 1)).contains(started);
        ScorerVersion skipped = started.withSampling(SamplingConfig.of(0.1), T0).withSampling(SamplingConfig.of(0.2), T0);
        assertThatThrownBy(() -> store.scorers().update(skipped)).isInstanceOf(StaleWriteException.class);
        assertThat(store.scorers().get(exp, "s", 1)).contains(started);
    }

    @Test
    void scorerUpdate_concurrentWritersFromOneRevision_exactlyOneApplied() throws Exception {
        String exp = experiment("e").experimentId();
        ScorerVersion v1 = store.scorers().create(scorerV(exp, "s", 1));
        Map<Integer, Boolean> applied = new ConcurrentHashMap<>();
        runConcurrently(4, thread -> {
            try {
                store.scorers().update(v1.withSampling(SamplingConfig.of(0.1 * (thread + 1)), T0));
                applied.put(thread, true);
            } catch (StaleWriteException e) {
                applied.put(thread, false);
            }
        });
        assertThat(applied.values()).containsOnlyOnce(true);
        int winner = applied.entrySet().stream().filter(Map.Entry::getValue).findFirst().orElseThrow().getKey();
        ScorerVersion stored = store.scorers().get(exp, "s", 1).orElseThrow();
        assertThat(stored.revision()).isEqualTo(2);
        assertThat(stored.sampling().sampleRate()).isEqualTo(0.1 * (winner + 1));
    }

    @Test
    void scorerUpdate_missingVersion_notFound() {
        String exp = experiment("e").experimentId();
        assertThatThrownBy(() -> store.scorers().update(scorerV(exp, "ghost", 1).withSampling(SamplingConfig.of(1), T0)))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("ghost");
    }

    @Test
    void scorerDelete_oneVersionOrAll() {
        String exp = experiment("e").experimentId();
        store.scorers().create(scorerV(exp, "s", 1));
        ScorerVersion v2 = store.scorers().create(scorerV(exp, "s", 2));
        store.scorers().create(scorerV(exp, "t", 1));
        assertThat(store.scorers().delete(exp, "s", 1)).isTrue();
        assertThat(store.scorers().delete(exp, "s", 1)).isFalse();
        assertThat(store.scorers().get(exp, "s", 1)).isEmpty();
        assertThat(store.scorers().latest(exp, "s")).contains(v2);
        assertThat(store.scorers().delete(exp, "t")).isEqualTo(1);
        assertThat(store.scorers().delete(exp, "t")).isZero();
        assertThat(store.scorers().list(exp)).containsExactly(v2);
        assertThat(store.scorers().delete(exp, "s")).isEqualTo(1);
        assertThat(store.scorers().list(exp)).isEmpty();
        assertThat(store.scorers().create(scorerV(exp, "s", 1)).version()).as("a deleted name starts over").isEqualTo(1);
    }

    // ================================================================== jobs

    Job job(String exp, String id, Instant created) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scorers", List.of("relevance", "safety"));
        spec.put("from", "2026-01-01T00:00:00Z");
        spec.put("rate", 0.5);
        spec.put("limit", 1000L);
        return new Job(id, exp, "backfill", spec, JobStatus.PENDING, Map.of(), null, null, 1, created, created);
    }

    @Test
    void jobCreateAndUpdate_roundTripEveryField() {
        String exp = experiment("e").experimentId();
        Job j = job(exp, "job-1", T0);
        assertThat(store.jobs().create(j)).isEqualTo(j);
        assertThat(store.jobs().get("job-1")).contains(j);
        Map<String, Long> progress = new LinkedHashMap<>();
        progress.put("scanned", 120L);
        progress.put("scored", 100L);
        progress.put("failed", 2L);
        Job running = j.next(JobStatus.RUNNING, progress, "{\"after\":\"tr-0120\"}", "running ✓", ms(60_000));
        assertThat(store.jobs().update(running)).isEqualTo(running);
        assertThat(store.jobs().get("job-1")).contains(running);
        Job failed = running.next(JobStatus.FAILED, progress, null, "x".repeat(10_000), ms(61_000));
        store.jobs().update(failed);
        assertThat(store.jobs().get("job-1")).contains(failed);
        assertThat(store.jobs().get("job-nope")).isEmpty();
    }

    @Test
    void jobCreate_existingIdStale_unknownExperimentOrBadRevisionRejected() {
        String exp = experiment("e").experimentId();
        Job j = store.jobs().create(job(exp, "job-1", T0));
        assertThatThrownBy(() -> store.jobs().create(job(exp, "job-1", ms(5))))
                .isInstanceOf(StaleWriteException.class).hasMessageContaining("job-1");
        assertThatThrownBy(() -> store.jobs().create(job("no-such-experiment", "job-2", T0)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no-such-experiment");
        Job rev2 = new Job("job-3", exp, "backfill", Map.of(), JobStatus.PENDING, Map.of(), null, null, 2, T0, T0);
        assertThatThrownBy(() -> store.jobs().create(rev2)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("revision");
        assertThat(store.jobs().list(exp)).containsExactly(j);
        assertThat(store.jobs().get("job-2")).isEmpty();
    }

    @Test
    void jobUpdate_staleRevisionRejectedAndMissingJobNotFound() {
        String exp = experiment("e").experimentId();
        Job j = store.jobs().create(job(exp, "job-1", T0));
        Job a = store.jobs().update(j.next(JobStatus.RUNNING, Map.of("scanned", 1L), "c1", null, ms(1)));
        assertThatThrownBy(() -> store.jobs().update(j.next(JobStatus.CANCELLED, Map.of(), null, "stop", ms(2))))
                .isInstanceOf(StaleWriteException.class).hasMessageContaining("job-1");
        assertThat(store.jobs().get("job-1")).contains(a);
        Job ghost = job(exp, "job-ghost", T0).next(JobStatus.RUNNING, Map.of(), null, null, ms(1));
        assertThatThrownBy(() -> store.jobs().update(ghost)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("job-ghost");
    }

    @Test
    void jobList_newestFirstPerExperiment() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        Job old = store.jobs().create(job(exp, "job-old", ms(0)));
        Job newest = store.jobs().create(job(exp, "job-new", ms(2000)));
        Job middle = store.jobs().create(job(exp, "job-mid", ms(1000)));
        store.jobs().create(job(other, "job-other", ms(5000)));
        assertThat(store.jobs().list(exp)).containsExactly(newest, middle, old);
        assertThat(store.jobs().list("no-such-experiment")).isEmpty();
    }

    // ================================================================== cursors

    @Test
    void cursor_onlyMovesForward() {
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.empty());
        store.jobs().saveCursor("engine.tail", 10);
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.of(10));
        store.jobs().saveCursor("engine.tail", 5);
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.of(10));
        store.jobs().saveCursor("engine.tail", 11);
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.of(11));
        store.jobs().saveCursor("other ✓", 0);
        assertThat(store.jobs().cursor("other ✓")).isEqualTo(OptionalLong.of(0));
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.of(11));
        assertThatThrownBy(() -> store.jobs().saveCursor("engine.tail", -1)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void cursor_concurrentSavers_keepTheHighest() throws Exception {
        runConcurrently(4, thread -> {
            for (int i = 0; i < 500; i++) {
                store.jobs().saveCursor("c", thread * 1000L + i);
            }
        });
        assertThat(store.jobs().cursor("c")).isEqualTo(OptionalLong.of(3499));
    }
}
