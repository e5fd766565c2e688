package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Poison-proof reading: a row that cannot be decoded — one an older version wrote without limits (a 21-million
 * character value, over the JSON reader's 20 million), or a damaged one — never stops a tail, a scan, a get or a
 * report on that store, in its own experiment or in another one: it is skipped, counted once in
 * {@link Store#skippedRows()}, and the rest is read. A durable backend's test class extends this and plants the
 * bad row behind the store's back (raw SQL, raw file records).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class UnreadableRowsConformanceSuite extends StoreSuiteBase {

    /** What an older version could write: a value over Jackson's 20,000,000-character string limit. */
    protected static final int HUGE = 21_000_000;

    /** The suite's start time. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Opens each test's store at {@link #T0}. */
    protected UnreadableRowsConformanceSuite() {
        super(T0);
    }

    /**
     * Writes scorer feedback as an older version without limits did: its value replaced by a string of
     * {@link #HUGE} characters, behind the store's back.
     *
     * @param store the open store
     * @param assessment scorer feedback not stored yet (its trace is)
     * @return the store to go on with (the same one, or the same data reopened)
     */
    protected abstract Store plantHugeAssessment(Store store, Assessment assessment);

    /**
     * Makes a stored trace's row undecodable behind the store's back: its root span's outputs become a string of
     * {@link #HUGE} characters, as an older version without limits wrote it.
     *
     * @param store the open store
     * @param trace the stored trace
     * @return the store to go on with
     */
    protected abstract Store plantUndecodableTrace(Store store, Trace trace);

    /**
     * Makes a stored scorer version undecodable behind the store's back, as a damaged row or a newer version's
     * might be: its definition is no longer a valid one (the JDBC stores: its config is not JSON).
     *
     * @param store the open store
     * @param version the stored scorer version
     * @return the store to go on with
     */
    protected abstract Store plantUndecodableScorer(Store store, ScorerVersion version);

    /**
     * Gives a stored job a status this version does not know ({@code PAUSED_BY_A_NEWER_VERSION}), behind the
     * store's back.
     *
     * @param store the open store
     * @param job the stored job
     * @return the store to go on with
     */
    protected abstract Store plantUnknownJobStatus(Store store, Job job);

    private Assessment feedback(String traceId, String name, Object value) {
        return Assessment.builder().name(name).traceId(traceId).source(AssessmentSource.code(name))
                .createTime(clock.instant()).feedback(value)
                .metadata(Assessment.METADATA_SCORER_NAME, name)
                .metadata(Assessment.METADATA_SCORER_VERSION, "1").build();
    }

    @Test
    void hugeAssessmentRow_isSkippedAndCountedOnce_everyReaderGoesOn() {
        Experiment a = store.experiments().getOrCreate("poisoned");
        Experiment b = store.experiments().getOrCreate("clean");
        store.traces().put(List.of(WriteLimitsConformanceSuite.trace(a.experimentId(), "tr-a1", "x")));
        store.traces().put(List.of(WriteLimitsConformanceSuite.trace(b.experimentId(), "tr-b1", "y")));
        store = plantHugeAssessment(store, feedback("tr-a1", "bad", "soon huge"));
        store.assessments().upsertScorerFeedback(List.of(feedback("tr-a1", "good", true)));

        List<TailEntry> tail = store.traces().tail(0, 100);
        assertThat(tail).extracting(e -> e.trace().traceId()).containsExactly("tr-a1", "tr-b1");
        assertThat(tail.get(0).trace().info().assessments()).extracting(Assessment::name).containsExactly("good");
        assertThat(store.assessments().listByTrace("tr-a1")).extracting(Assessment::name).containsExactly("good");
        assertThat(store.traces().get("tr-a1")).isPresent();
        TracePage page = store.traces().scan(new TraceQuery(a.experimentId(), T0.minusSeconds(1),
                T0.plusSeconds(1), null), null, 10);
        assertThat(page.traces()).extracting(Trace::traceId).containsExactly("tr-a1");
        List<ScoredValue> values = store.assessments().valuesByScorer(a.experimentId(), "bad", T0.minusSeconds(1),
                T0.plusSeconds(1));
        assertThat(values).isEmpty();
        assertThat(store.assessments().valuesByScorer(a.experimentId(), "good", T0.minusSeconds(1),
                T0.plusSeconds(1))).hasSize(1);
        assertThat(store.skippedRows()).as("one unreadable row, counted once however often it is met").isEqualTo(1);
    }

    @Test
    void undecodableTraceRow_isSkipped_tailAndScanGoPastIt() {
        Experiment a = store.experiments().getOrCreate("poisoned");
        Experiment b = store.experiments().getOrCreate("clean");
        Trace bad = WriteLimitsConformanceSuite.trace(a.experimentId(), "tr-a1", "x");
        Trace a2 = WriteLimitsConformanceSuite.trace(a.experimentId(), "tr-a2", "x");
        Trace b1 = WriteLimitsConformanceSuite.trace(b.experimentId(), "tr-b1", "y");
        store.traces().put(List.of(bad));
        store.traces().put(List.of(a2));
        store.traces().put(List.of(b1));
        store = plantUndecodableTrace(store, bad);

        assertThat(store.traces().tail(0, 100)).extracting(e -> e.trace().traceId())
                .containsExactly("tr-a2", "tr-b1");
        assertThat(store.traces().get("tr-a1")).isEmpty();
        List<String> scanned = new ArrayList<>();
        String token = null;
        do {
            TracePage page = store.traces().scan(new TraceQuery(a.experimentId(), T0.minusSeconds(1),
                    T0.plusSeconds(1), null), token, 1);
            page.traces().forEach(t -> scanned.add(t.traceId()));
            token = page.nextPageToken();
        } while (token != null);
        assertThat(scanned).containsExactly("tr-a2");
        assertThat(store.skippedRows()).isEqualTo(1);
    }

    private ScorerVersion scorer(String experimentId, String name, int version) {
        return new ScorerVersion(experimentId, name, version, new ScorerDefinition("java",
                Map.of("class", "com.example." + name)), new SamplingConfig(0.5, null), 1, clock.instant(),
                clock.instant());
    }

    @Test
    void undecodableScorerRow_isSkipped_listLatestAndGetGoOn() {
        Experiment e = store.experiments().getOrCreate("scorers");
        store.scorers().create(scorer(e.experimentId(), "a", 1));
        ScorerVersion bad = store.scorers().create(scorer(e.experimentId(), "a", 2));
        store.scorers().create(scorer(e.experimentId(), "b", 1));
        store = plantUndecodableScorer(store, bad);

        assertThat(store.scorers().list(e.experimentId()))
                .extracting(v -> v.name() + " v" + v.version()).containsExactly("a v1", "b v1");
        assertThat(store.scorers().latest(e.experimentId(), "a")).get().extracting(ScorerVersion::version)
                .as("the newest version this process can read").isEqualTo(1);
        assertThat(store.scorers().get(e.experimentId(), "a", 2)).isEmpty();
        assertThat(store.scorers().latest(e.experimentId(), "b")).isPresent();
        assertThat(store.skippedRows()).as("one unreadable row, counted once however often it is met").isEqualTo(1);
    }

    @Test
    void undecodableScorerRow_isRemovedByDeletingItsName_andTheNameCanBeRegisteredAgain() {
        Experiment e = store.experiments().getOrCreate("scorers");
        store.scorers().create(scorer(e.experimentId(), "a", 1));
        ScorerVersion bad = store.scorers().create(scorer(e.experimentId(), "a", 2));
        store = plantUndecodableScorer(store, bad);

        assertThat(store.scorers().delete(e.experimentId(), "a")).as("both rows, the unreadable one too")
                .isEqualTo(2);
        assertThat(store.scorers().create(scorer(e.experimentId(), "a", 1)).version()).isEqualTo(1);
        assertThat(store.scorers().list(e.experimentId())).extracting(ScorerVersion::version).containsExactly(1);
    }

    @Test
    void undecodableScorerVersion_isRemovedByDeletingThatVersion_theNextVersionFollowsIt() {
        Experiment e = store.experiments().getOrCreate("scorers");
        store.scorers().create(scorer(e.experimentId(), "a", 1));
        ScorerVersion bad = store.scorers().create(scorer(e.experimentId(), "a", 2));
        store = plantUndecodableScorer(store, bad);

        assertThat(store.scorers().delete(e.experimentId(), "a", 2)).isTrue();
        assertThat(store.scorers().delete(e.experimentId(), "a", 2)).isFalse();
        assertThat(store.scorers().create(scorer(e.experimentId(), "a", 2)).version()).isEqualTo(2);
        assertThat(store.scorers().list(e.experimentId())).extracting(ScorerVersion::version).containsExactly(1, 2);
    }

    @Test
    void jobWithUnknownStatus_isSkipped_listAndGetGoOn_otherJobsUpdate() {
        Experiment e = store.experiments().getOrCreate("jobs");
        Job older = store.jobs().create(new Job("job-1", e.experimentId(), "backfill", Map.of("from", "x"),
                JobStatus.RUNNING, Map.of("scanned", 3L), null, null, 1, clock.instant(), clock.instant()));
        clock.advance(java.time.Duration.ofSeconds(1));
        Job newer = store.jobs().create(new Job("job-2", e.experimentId(), "backfill", Map.of("from", "y"),
                JobStatus.PENDING, Map.of(), null, null, 1, clock.instant(), clock.instant()));
        store = plantUnknownJobStatus(store, older);

        assertThat(store.jobs().list(e.experimentId())).extracting(Job::jobId).containsExactly("job-2");
        assertThat(store.jobs().get("job-1")).isEmpty();
        Job done = store.jobs().update(newer.next(JobStatus.SUCCEEDED, Map.of("scanned", 5L), null, "done",
                clock.instant()));
        assertThat(store.jobs().get("job-2")).contains(done);
        assertThat(store.skippedRows()).isEqualTo(1);
    }
}
