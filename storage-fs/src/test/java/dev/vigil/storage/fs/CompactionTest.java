package dev.vigil.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path tmp;

    private FsStore open() {
        return FsStore.open(tmp.resolve("store"), new StoreOptions(new MutableClock(T0),
                Map.of("fs.fsync", "interval")));
    }

    private static Map<String, List<Assessment>> snapshot(FsStore store, List<Trace> traces) {
        Map<String, List<Assessment>> out = new HashMap<>();
        for (Trace t : traces) {
            out.put(t.traceId(), store.assessments().listByTrace(t.traceId()));
        }
        return out;
    }

    @Test
    void compaction_dropsSupersededFeedback_keepsTheLiveState_acrossReopen() throws Exception {
        List<Trace> traces = new ArrayList<>();
        Map<String, List<Assessment>> before;
        Path log = tmp.resolve("store").resolve("assessments");
        try (FsStore store = open()) {
            String exp = store.experiments().getOrCreate("e").experimentId();
            for (int i = 0; i < 50; i++) {
                traces.add(TestTraces.rag(exp, i, T0.plusSeconds(i)));
            }
            store.traces().put(traces);
            for (Trace t : traces) {
                store.assessments().append(Assessment.builder().name("thumbs").traceId(t.traceId())
                        .source(dev.vigil.spi.model.AssessmentSource.human("u")).createTime(T0).feedback(true).build());
            }
            for (int round = 0; round < 20; round++) {
                List<Assessment> batch = new ArrayList<>();
                for (Trace t : traces) {
                    batch.add(TestTraces.feedback(t.traceId(), "quality", "judge", 1, round, T0.plusSeconds(round)));
                }
                store.assessments().upsertScorerFeedback(batch);
            }
            before = snapshot(store, traces);
            Path oldSegment = log.resolve(SegmentFiles.fileName(1));
            Files.copy(oldSegment, tmp.resolve("old-segment-copy"));
            CompactionResult r = store.compact();
            assertThat(r.liveAssessments()).isEqualTo(100);
            assertThat(r.bytesAfter()).isLessThan(r.bytesBefore() / 5);
            assertThat(oldSegment).doesNotExist();
            assertThat(snapshot(store, traces)).isEqualTo(before);
            // writes after the compaction go on, with the same ids
            Assessment next = store.assessments().upsertScorerFeedback(List.of(
                    TestTraces.feedback(traces.get(0).traceId(), "quality", "judge", 1, 99, T0))).get(0);
            assertThat(next.assessmentId()).isEqualTo(before.get(traces.get(0).traceId()).get(1).assessmentId());
        }
        // a crash after the compacted copy was in place but before the old segments were deleted
        Files.copy(tmp.resolve("old-segment-copy"), log.resolve(SegmentFiles.fileName(1)),
                StandardCopyOption.REPLACE_EXISTING);
        try (FsStore store = open()) {
            assertThat(log.resolve(SegmentFiles.fileName(1))).doesNotExist();
            Map<String, List<Assessment>> after = snapshot(store, traces);
            assertThat(after.get(traces.get(0).traceId()).get(1).feedback().value()).isEqualTo(99L);
            after.put(traces.get(0).traceId(), before.get(traces.get(0).traceId()));
            assertThat(after).isEqualTo(before);
        }
    }

    @Test
    void compaction_whileWritersWrite_losesNoWrite() throws Exception {
        List<Trace> traces = new ArrayList<>();
        Map<String, List<Assessment>> expected;
        try (FsStore store = open()) {
            String exp = store.experiments().getOrCreate("e").experimentId();
            for (int i = 0; i < 40; i++) {
                traces.add(TestTraces.rag(exp, i, T0.plusSeconds(i)));
            }
            store.traces().put(traces);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> writer = pool.submit(() -> {
                    for (int round = 0; round < 60; round++) {
                        List<Assessment> batch = new ArrayList<>();
                        for (Trace t : traces) {
                            batch.add(TestTraces.feedback(t.traceId(), "q", "judge", round % 3, round, T0));
                        }
                        store.assessments().upsertScorerFeedback(batch);
                    }
                });
                Future<?> compactor = pool.submit(() -> {
                    for (int i = 0; i < 5 && !writer.isDone(); i++) {
                        store.compact();
                    }
                });
                writer.get(5, TimeUnit.MINUTES);
                compactor.get(5, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }
            expected = snapshot(store, traces);
            for (List<Assessment> list : expected.values()) {
                // one per scorer version 0, 1, 2: the last rounds of each
                assertThat(list).extracting(a -> a.feedback().value()).containsExactly(57L, 58L, 59L);
            }
            store.compact();
            assertThat(snapshot(store, traces)).isEqualTo(expected);
        }
        try (FsStore store = open()) {
            assertThat(store.recoveryReport().isClean()).as(store.recoveryReport().toString()).isTrue();
            assertThat(snapshot(store, traces)).isEqualTo(expected);
        }
    }
}
