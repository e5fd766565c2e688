package dev.vigil.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.testkit.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);

    private FsStore open(Map<String, String> props) {
        return FsStore.open(dir.resolve("store"), new StoreOptions(clock, props));
    }

    private FsStore open() {
        return open(Map.of());
    }

    @Test
    void tracesReadBackEqual_afterReopen() {
        List<Trace> traces = new ArrayList<>();
        String expId;
        try (FsStore store = open()) {
            expId = store.experiments().getOrCreate("rag-app").experimentId();
            for (int i = 0; i < 50; i++) {
                traces.add(TestTraces.rag(expId, i, T0.plusMillis(i * 1000L).plusNanos(i)));
            }
            store.traces().put(traces);
            assertThat(store.traces().get(traces.get(7).traceId())).contains(traces.get(7));
        }
        try (FsStore store = open()) {
            assertThat(store.recoveryReport().isClean()).as(store.recoveryReport().toString()).isTrue();
            for (Trace t : traces) {
                assertThat(store.traces().get(t.traceId())).contains(t);
            }
            assertThat(store.traces().count(expId)).isEqualTo(50);
        }
    }

    @Test
    void realMlflowTrace_roundTripsThroughTheStore() {
        try (FsStore store = open()) {
            String expId = store.experiments().getOrCreate("databricks").experimentId();
            for (String f : List.of("mlflow-traces/v3_databricks_agent_predict_ok_trace.json",
                    "mlflow-traces/v3_databricks_agent_predict_blocked_trace.json")) {
                Trace t = MlflowJson.readTrace(Fixtures.read(f));
                Trace mine = new Trace(t.info().withExperimentId(expId).withAssessments(List.of()), t.spans());
                store.traces().put(List.of(mine));
                assertThat(store.traces().get(mine.traceId())).contains(mine);
            }
        }
    }

    @Test
    void replacedTrace_getsNewSequenceAndLatestForm_acrossReopen() {
        String expId;
        Trace done;
        try (FsStore store = open()) {
            expId = store.experiments().getOrCreate("e").experimentId();
            Trace running = TestTraces.rag(expId, 1, T0);
            running = new Trace(running.info().toBuilder().state(TraceState.IN_PROGRESS).build(), running.spans());
            store.traces().put(List.of(running, TestTraces.rag(expId, 2, T0)));
            done = TestTraces.rag(expId, 1, T0);
            store.traces().put(List.of(done));
            List<TailEntry> tail = store.traces().tail(0, 10);
            assertThat(tail).extracting(e -> e.trace().traceId()).containsExactly(
                    TestTraces.rag(expId, 2, T0).traceId(), done.traceId());
            assertThat(tail.get(1).sequence()).isEqualTo(3);
        }
        try (FsStore store = open()) {
            assertThat(store.traces().get(done.traceId()).orElseThrow().info().state()).isEqualTo(TraceState.OK);
            assertThat(store.traces().tail(2, 10)).extracting(TailEntry::sequence).containsExactly(3L);
            assertThat(store.traces().count(expId)).isEqualTo(2);
            store.traces().put(List.of(TestTraces.rag(expId, 9, T0)));
            assertThat(store.traces().tail(3, 10)).extracting(TailEntry::sequence).containsExactly(4L);
        }
    }

    @Test
    void batchWithUnknownExperiment_writesNothing() {
        try (FsStore store = open()) {
            String expId = store.experiments().getOrCreate("e").experimentId();
            assertThatThrownBy(() -> store.traces().put(List.of(TestTraces.rag(expId, 1, T0),
                    TestTraces.rag("999", 2, T0))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("999");
            assertThat(store.traces().count(expId)).isZero();
            assertThat(store.traces().tail(0, 10)).isEmpty();
        }
    }

    @Test
    void scan_pagesInTimeThenIdOrder_andTokenSurvivesAppends() {
        try (FsStore store = open()) {
            String expId = store.experiments().getOrCreate("e").experimentId();
            List<Trace> all = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                all.add(TestTraces.rag(expId, 100 - i, T0.plusSeconds(i / 2)));
            }
            store.traces().put(all);
            List<String> seen = new ArrayList<>();
            String token = null;
            int pages = 0;
            do {
                TracePage page = store.traces().scan(TraceQuery.all(expId), token, 4);
                page.traces().forEach(t -> seen.add(t.traceId()));
                token = page.nextPageToken();
                // appends meanwhile, earlier and later than the scan position
                store.traces().put(List.of(TestTraces.rag(expId, 1000 + pages, T0.minusSeconds(5)),
                        TestTraces.rag(expId, 2000 + pages, T0.plusSeconds(100))));
                pages++;
            } while (token != null && pages < 100);
            List<String> expected = all.stream()
                    .sorted((a, b) -> a.info().requestTime().equals(b.info().requestTime())
                            ? a.traceId().compareTo(b.traceId()) : a.info().requestTime().compareTo(b.info().requestTime()))
                    .map(Trace::traceId).toList();
            assertThat(seen.subList(0, 25)).containsExactlyElementsOf(expected);
            assertThat(seen).doesNotHaveDuplicates();
            assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(expId), "garbage!", 4))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("page token");
        }
    }

    @Test
    void scorerFeedbackUpsert_isIdempotent_acrossReopen() {
        String traceId;
        String firstId;
        try (FsStore store = open()) {
            String expId = store.experiments().getOrCreate("e").experimentId();
            Trace t = TestTraces.rag(expId, 1, T0);
            traceId = t.traceId();
            store.traces().put(List.of(t));
            Assessment human = store.assessments().append(Assessment.builder().name("thumbs").traceId(traceId)
                    .source(dev.vigil.spi.model.AssessmentSource.human("ana")).createTime(T0).feedback(true).build());
            assertThat(human.assessmentId()).isNotNull();
            List<Assessment> first = store.assessments().upsertScorerFeedback(List.of(
                    TestTraces.feedback(traceId, "relevance", "rel", 1, 0.5, T0)));
            firstId = first.get(0).assessmentId();
            List<Assessment> again = store.assessments().upsertScorerFeedback(List.of(
                    TestTraces.feedback(traceId, "relevance", "rel", 1, 0.9, T0.plusSeconds(60))));
            assertThat(again.get(0).assessmentId()).isEqualTo(firstId);
            assertThat(again.get(0).createTime()).isEqualTo(T0);
            store.assessments().upsertScorerFeedback(List.of(
                    TestTraces.feedback(traceId, "relevance", "rel", 2, 1.0, T0.plusSeconds(90))));
        }
        try (FsStore store = open()) {
            List<Assessment> list = store.assessments().listByTrace(traceId);
            assertThat(list).extracting(Assessment::name).containsExactly("thumbs", "relevance", "relevance");
            assertThat(list.get(1).assessmentId()).isEqualTo(firstId);
            assertThat(list.get(1).feedback().value()).isEqualTo(0.9);
            assertThat(store.assessments().tracesScoredBy("rel", 1, List.of(traceId, "tr-none"))).containsExactly(traceId);
            assertThat(store.assessments().tracesScoredBy("rel", 3, List.of(traceId))).isEmpty();
            String expId = store.experiments().findByName("e").orElseThrow().experimentId();
            assertThat(store.assessments().valuesByScorer(expId, "rel", T0, T0.plusSeconds(1)))
                    .extracting(v -> v.assessment().feedback().value()).containsExactly(0.9, 1.0);
            assertThat(store.traces().get(traceId).orElseThrow().info().assessments()).hasSize(3);
        }
    }

    @Test
    void feedbackOnUnknownTrace_isRejected_andNothingWritten() {
        try (FsStore store = open()) {
            String expId = store.experiments().getOrCreate("e").experimentId();
            Trace t = TestTraces.rag(expId, 1, T0);
            store.traces().put(List.of(t));
            assertThatThrownBy(() -> store.assessments().upsertScorerFeedback(List.of(
                    TestTraces.feedback(t.traceId(), "r", "rel", 1, 1, T0),
                    TestTraces.feedback("tr-missing", "r", "rel", 1, 1, T0))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("tr-missing");
            assertThat(store.assessments().listByTrace(t.traceId())).isEmpty();
        }
    }

    @Test
    void scorerRegistry_optimisticRevisions_persist() {
        try (FsStore store = open()) {
            String expId = store.experiments().getOrCreate("e").experimentId();
            ScorerVersion v1 = new ScorerVersion(expId, "relevance", 1,
                    new ScorerDefinition("java", Map.of("class", "x.Relevance", "threshold", 0.5)),
                    SamplingConfig.of(0.25, "tags.env = 'prod'"), 1, T0, T0);
            store.scorers().create(v1);
            assertThatThrownBy(() -> store.scorers().create(v1)).isInstanceOf(StaleWriteException.class);
            ScorerVersion v1b = v1.withSampling(SamplingConfig.of(1.0), T0.plusSeconds(1));
            store.scorers().update(v1b);
            assertThatThrownBy(() -> store.scorers().update(v1.withSampling(SamplingConfig.of(0.1), T0)))
                    .isInstanceOf(StaleWriteException.class).hasMessageContaining("revision 2");
        }
        try (FsStore store = open()) {
            String expId = store.experiments().findByName("e").orElseThrow().experimentId();
            ScorerVersion got = store.scorers().latest(expId, "relevance").orElseThrow();
            assertThat(got.revision()).isEqualTo(2);
            assertThat(got.sampling()).isEqualTo(SamplingConfig.of(1.0));
            assertThat(got.definition().config()).containsEntry("threshold", 0.5);
        }
    }

    @Test
    void jobsCursorsAndLeases_persist_withFencingTokensGrowing() {
        try (FsStore store = open()) {
            String expId = store.experiments().getOrCreate("e").experimentId();
            Job job = new Job("job-1", expId, "backfill", Map.of("from", "2026-01-01"), JobStatus.PENDING, Map.of(),
                    null, null, 1, T0, T0);
            store.jobs().create(job);
            store.jobs().update(job.next(JobStatus.RUNNING, Map.of("scanned", 10L), "cp-1", null, T0.plusSeconds(1)));
            assertThatThrownBy(() -> store.jobs().update(job.next(JobStatus.FAILED, Map.of(), null, "x", T0)))
                    .isInstanceOf(StaleWriteException.class);
            store.jobs().saveCursor("tail", 40);
            store.jobs().saveCursor("tail", 12);
            Lease a = store.jobs().tryAcquire("partition-0", "engine-a", Duration.ofSeconds(30)).orElseThrow();
            assertThat(store.jobs().tryAcquire("partition-0", "engine-b", Duration.ofSeconds(30))).isEmpty();
            clock.advance(Duration.ofSeconds(31));
            Lease b = store.jobs().tryAcquire("partition-0", "engine-b", Duration.ofSeconds(30)).orElseThrow();
            assertThat(b.token()).isGreaterThan(a.token());
            assertThat(store.jobs().renew(a, Duration.ofSeconds(30))).isEmpty();
        }
        try (FsStore store = open()) {
            assertThat(store.jobs().get("job-1").orElseThrow().checkpoint()).isEqualTo("cp-1");
            assertThat(store.jobs().cursor("tail")).hasValue(40);
            store.jobs().release(store.jobs().tryAcquire("partition-0", "engine-b", Duration.ofSeconds(5))
                    .orElseThrow());
            Lease c = store.jobs().tryAcquire("partition-0", "engine-c", Duration.ofSeconds(30)).orElseThrow();
            assertThat(c.token()).isEqualTo(3);
        }
    }

    @Test
    void secondWriter_failsAtOpen_namingTheLock_butReaderMayOpen() {
        try (FsStore store = open()) {
            String expId = store.experiments().getOrCreate("e").experimentId();
            store.traces().put(List.of(TestTraces.rag(expId, 1, T0)));
            assertThatThrownBy(this::open).isInstanceOf(StoreException.class)
                    .hasMessageContaining("another vigil process holds").hasMessageContaining("LOCK")
                    .hasMessageContaining("fs.readOnly=true");
            try (FsStore reader = open(Map.of("fs.readOnly", "true"))) {
                assertThat(reader.traces().count(expId)).isEqualTo(1);
                assertThatThrownBy(() -> reader.experiments().getOrCreate("other"))
                        .isInstanceOf(StoreException.class).hasMessageContaining("read-only");
            }
        }
    }

    @Test
    void storesOpen_resolvesFsScheme_absoluteAndRelative() {
        try (Store s = Stores.open("fs:" + dir.resolve("a"), StoreOptions.withClock(clock))) {
            assertThat(s).isInstanceOf(FsStore.class);
            assertThat(s.describe()).startsWith("fs:");
            s.experiments().getOrCreate("x");
        }
        assertThat(dir.resolve("a/experiments/1/experiment.state")).exists();
        assertThat(FsStoreProvider.pathOf("fs:relative/dir")).isEqualTo(Path.of("relative/dir"));
        assertThat(FsStoreProvider.pathOf("fs:///abs/dir")).isEqualTo(Path.of("/abs/dir"));
        assertThatThrownBy(() -> FsStoreProvider.pathOf("fs://host/dir")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() -> FsStoreProvider.pathOf("fs:")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> open(Map.of("fs.fsync", "sometimes"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'batch' or 'interval'");
        assertThatThrownBy(() -> open(Map.of("fs.segmentSize", "1"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("fs.segmentBytes");
    }

    @Test
    void segmentsRoll_bySize_andAllTracesSurviveReopen() {
        List<Trace> traces = new ArrayList<>();
        String expId;
        try (FsStore store = open(Map.of("fs.segmentBytes", "16384", "fs.fsync", "interval"))) {
            expId = store.experiments().getOrCreate("e").experimentId();
            for (int i = 0; i < 60; i++) {
                Trace t = TestTraces.rag(expId, i, T0.plusSeconds(i));
                traces.add(t);
                store.traces().put(List.of(t));
            }
        }
        try (Stream<Path> segs = java.nio.file.Files.list(dir.resolve("store/experiments/" + expId + "/traces"))) {
            assertThat(segs.count()).isGreaterThan(5);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (FsStore store = open()) {
            for (Trace t : traces) {
                assertThat(store.traces().get(t.traceId())).contains(t);
            }
        }
    }

    @Test
    void operationsAfterClose_fail() {
        FsStore store = open();
        store.close();
        store.close();
        assertThatThrownBy(() -> store.experiments().list()).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.traces().put(List.of())).isInstanceOf(StoreException.class);
    }
}
