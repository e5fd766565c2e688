package dev.vigil.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.UnreadableRowsConformanceSuite;
import dev.vigil.testkit.store.WriteLimitsConformanceSuite;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write limits and poison-proof reading on the file store: the records are written without the limits, as a
 * version before them did, and the store reopened so that it reads them from disk.
 */
class FsUnreadableRowsTest {

    @TempDir
    Path dir;

    @Nested
    class Poisoned extends UnreadableRowsConformanceSuite {
        private Clock openedWith;

        @Override
        protected Store openStore(Clock clock) {
            openedWith = clock;
            return Stores.open("fs:" + dir.resolve("store"), StoreOptions.withClock(clock));
        }

        @Override
        protected Store plantHugeAssessment(Store store, Assessment assessment) {
            ((FileStore) store).assessments.upsertScorerFeedback(
                    List.of(assessment.toBuilder().feedback("x".repeat(HUGE)).build()), null);
            store.close();
            return openStore(openedWith);
        }

        @Override
        protected Store plantUndecodableTrace(Store store, Trace trace) {
            Trace big = new Trace(trace.info(), List.of(trace.spans().get(0).toBuilder()
                    .outputs("x".repeat(HUGE)).build()));
            ((FileStore) store).traces.put(List.of(big), null);
            store.close();
            return openStore(openedWith);
        }

        @Override
        protected Store plantUndecodableScorer(Store store, ScorerVersion version) {
            Path file = ((FileStore) store).experiments.dirOf(version.experimentId()).resolve(FsScorerStore.STATE_FILE);
            // a rate past 1, as no version writes: the record breaks the rules and cannot be decoded
            return rewriteState(store, file, n -> n.get("name").asText().equals(version.name())
                    && n.get("version").asInt() == version.version(),
                    n -> ((ObjectNode) n.get("sampling")).put("sample_rate", 7.5), () -> openStore(openedWith));
        }

        @Override
        protected Store plantUnknownJobStatus(Store store, Job job) {
            Path file = ((FileStore) store).stateDir().resolve("jobs.state");
            return rewriteState(store, file, n -> n.get("job_id").asText().equals(job.jobId()),
                    n -> n.put("status", "PAUSED_BY_A_NEWER_VERSION"), () -> openStore(openedWith));
        }

        @Test
        void unreadableScorerAndJobRecords_areKeptOnDisk_whenTheStoreRewritesItsState() {
            Experiment e = store.experiments().getOrCreate("kept");
            ScorerVersion bad = store.scorers().create(new ScorerVersion(e.experimentId(), "a", 1,
                    new ScorerDefinition("java", java.util.Map.of()), SamplingConfig.STOPPED, 1, clock.instant(),
                    clock.instant()));
            Job job = store.jobs().create(new Job("job-1", e.experimentId(), "backfill", java.util.Map.of(),
                    JobStatus.RUNNING, java.util.Map.of(), null, null, 1, clock.instant(), clock.instant()));
            store = plantUndecodableScorer(store, bad);
            store = plantUnknownJobStatus(store, job);
            assertThat(store.skippedRows()).isEqualTo(2);

            // rewrites of both state files by this version
            store.scorers().create(new ScorerVersion(e.experimentId(), "b", 1, new ScorerDefinition("java",
                    java.util.Map.of()), SamplingConfig.STOPPED, 1, clock.instant(), clock.instant()));
            store.jobs().create(new Job("job-2", e.experimentId(), "backfill", java.util.Map.of(), JobStatus.PENDING,
                    java.util.Map.of(), null, null, 1, clock.instant(), clock.instant()));
            store.close();
            store = openStore(openedWith);

            assertThat(store.skippedRows()).as("both unreadable records are still on disk").isEqualTo(2);
            assertThat(store.scorers().list(e.experimentId())).extracting(ScorerVersion::name).containsExactly("b");
            assertThat(store.jobs().list(e.experimentId())).extracting(Job::jobId).containsExactly("job-2");
            assertThat(store.scorers().create(new ScorerVersion(e.experimentId(), "a", 2, new ScorerDefinition("java",
                    java.util.Map.of()), SamplingConfig.STOPPED, 1, clock.instant(), clock.instant())).version())
                    .as("the next version after the unreadable one").isEqualTo(2);
        }
    }

    /** Rewrites one record of a state file behind the store's back (the store closed), then reopens the store. */
    private static Store rewriteState(Store store, java.nio.file.Path file, java.util.function.Predicate<JsonNode> which,
            java.util.function.Consumer<ObjectNode> change, java.util.function.Supplier<Store> reopen) {
        store.close();
        JsonNode arr = FsFiles.readStateJson(file);
        int changed = 0;
        for (JsonNode n : arr) {
            if (which.test(n)) {
                change.accept((ObjectNode) n);
                changed++;
            }
        }
        if (changed != 1) {
            throw new AssertionError("expected one record to change in " + file + ", changed " + changed);
        }
        FsFiles.writeState(file, StateJson.bytes(arr));
        return reopen.get();
    }

    @Nested
    class Limits extends WriteLimitsConformanceSuite {
        @Override
        protected Store openStore(Clock clock) {
            return Stores.open("fs:" + dir.resolve("limits"), StoreOptions.withClock(clock));
        }
    }
}
