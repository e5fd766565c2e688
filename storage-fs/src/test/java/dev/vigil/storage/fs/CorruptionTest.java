package dev.vigil.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.StoreException;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.StoreOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damages segment, log and state files by hand and checks that the store opens and says what it found. */
class CorruptionTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    @TempDir
    Path tmp;

    private Path root;
    private String expId;
    private final List<Trace> traces = new ArrayList<>();

    private FsStore open() {
        return FsStore.open(root, StoreOptions.withClock(new MutableClock(T0)));
    }

    @BeforeEach
    void write() {
        root = tmp.resolve("store");
        try (FsStore store = open()) {
            expId = store.experiments().getOrCreate("e").experimentId();
            for (int i = 0; i < 10; i++) {
                Trace t = TestTraces.rag(expId, i, T0.plusSeconds(i));
                traces.add(t);
                store.traces().put(List.of(t)); // one record per put, in order
                store.assessments().upsertScorerFeedback(List.of(
                        TestTraces.feedback(t.traceId(), "q", "judge", 1, i, T0)));
            }
        }
    }

    private Path segment() {
        return root.resolve("experiments").resolve(expId).resolve("traces").resolve(SegmentFiles.fileName(1));
    }

    /** Offsets of the records in a segment, read with the frame layout (magic, length, crc, payload). */
    private static List<Long> recordOffsets(Path seg) throws IOException {
        byte[] b = Files.readAllBytes(seg);
        List<Long> out = new ArrayList<>();
        int pos = SegmentFiles.SEGMENT_HEADER;
        while (pos + 12 <= b.length) {
            out.add((long) pos);
            pos += 12 + ByteBuffer.wrap(b, pos + 4, 4).getInt();
        }
        return out;
    }

    private static void flip(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            ch.write(one, offset);
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    @Test
    void tornTail_isCutBackToLastGoodRecord_andReported() throws IOException {
        List<Long> offsets = recordOffsets(segment());
        long lastStart = offsets.get(9);
        long size = Files.size(segment());
        truncate(segment(), size - 7); // the last record loses its end, as a crash mid-write leaves it
        try (FsStore store = open()) {
            RecoveryReport r = store.recoveryReport();
            assertThat(r.of(RecoveryReport.Kind.TORN_TAIL)).singleElement().satisfies(f -> {
                assertThat(f.file()).isEqualTo(segment());
                assertThat(f.offset()).isEqualTo(lastStart);
            });
            assertThat(r.of(RecoveryReport.Kind.CORRUPT)).isEmpty();
            for (int i = 0; i < 9; i++) {
                assertThat(store.traces().get(traces.get(i).traceId())).contains(
                        traces.get(i).withAssessments(store.assessments().listByTrace(traces.get(i).traceId())));
            }
            assertThat(store.traces().get(traces.get(9).traceId())).isEmpty();
            assertThat(Files.size(segment())).isEqualTo(lastStart);
            try (Stream<Path> q = Files.list(root.resolve("quarantine"))) {
                assertThat(q.count()).isEqualTo(1);
            }
            store.traces().put(List.of(traces.get(9)));
        }
        try (FsStore store = open()) {
            assertThat(store.recoveryReport().isClean()).as(store.recoveryReport().toString()).isTrue();
            assertThat(store.traces().count(expId)).isEqualTo(10);
        }
    }

    @Test
    void flippedByteMidSegment_isReportedWithSegmentAndOffset_othersSurvive() throws IOException {
        List<Long> offsets = recordOffsets(segment());
        long size = Files.size(segment());
        flip(segment(), offsets.get(4) + 200); // inside the payload of the fifth record
        try (FsStore store = open()) {
            RecoveryReport r = store.recoveryReport();
            assertThat(r.of(RecoveryReport.Kind.CORRUPT)).singleElement().satisfies(f -> {
                assertThat(f.file()).isEqualTo(segment());
                assertThat(f.offset()).isEqualTo(offsets.get(4));
                assertThat(f.detail()).contains("resume at offset " + offsets.get(5));
            });
            assertThat(r.toString()).contains(segment().toString()).contains("offset " + offsets.get(4));
            assertThat(store.traces().get(traces.get(4).traceId())).isEmpty();
            for (int i : new int[] {0, 1, 2, 3, 5, 6, 7, 8, 9}) {
                assertThat(store.traces().get(traces.get(i).traceId())).isPresent();
            }
            assertThat(Files.size(segment())).as("nothing after the damage was cut").isEqualTo(size);
        }
    }

    @Test
    void flippedLengthField_ofMiddleRecord_neverCutsTheGoodRecordsAfterIt() throws IOException {
        List<Long> offsets = recordOffsets(segment());
        long size = Files.size(segment());
        flip(segment(), offsets.get(2) + 4); // the length: now points far past the end of the file
        try (FsStore store = open()) {
            RecoveryReport r = store.recoveryReport();
            assertThat(r.of(RecoveryReport.Kind.TORN_TAIL)).isEmpty();
            assertThat(r.of(RecoveryReport.Kind.CORRUPT)).singleElement()
                    .satisfies(f -> assertThat(f.offset()).isEqualTo(offsets.get(2)));
            assertThat(Files.size(segment())).isEqualTo(size);
            for (int i = 3; i < 10; i++) {
                assertThat(store.traces().get(traces.get(i).traceId())).isPresent();
            }
        }
    }

    @Test
    void damagedLastRecordOfSealedSegment_isReportedNotCut() throws IOException {
        Path seg1;
        try (FsStore store = FsStore.open(root, new StoreOptions(new MutableClock(T0),
                Map.of("fs.segmentBytes", "4096")))) {
            for (int i = 10; i < 14; i++) {
                store.traces().put(List.of(TestTraces.rag(expId, i, T0.plusSeconds(i))));
            }
        }
        seg1 = segment();
        long size = Files.size(seg1);
        flip(seg1, size - 3);
        try (FsStore store = open()) {
            RecoveryReport r = store.recoveryReport();
            assertThat(r.of(RecoveryReport.Kind.CORRUPT)).singleElement().satisfies(f -> {
                assertThat(f.file()).isEqualTo(seg1);
                assertThat(f.detail()).contains("sealed segment");
            });
            assertThat(Files.size(seg1)).isEqualTo(size);
            assertThat(store.traces().get(TestTraces.rag(expId, 13, T0).traceId())).isPresent();
        }
    }

    @Test
    void damagedAssessmentLog_isReported_otherAssessmentsSurvive() throws IOException {
        Path log = root.resolve("assessments").resolve(SegmentFiles.fileName(1));
        List<Long> offsets = recordOffsets(log);
        flip(log, offsets.get(3) + 40);
        try (FsStore store = open()) {
            assertThat(store.recoveryReport().of(RecoveryReport.Kind.CORRUPT)).singleElement()
                    .satisfies(f -> {
                        assertThat(f.file()).isEqualTo(log);
                        assertThat(f.offset()).isEqualTo(offsets.get(3));
                    });
            assertThat(store.assessments().listByTrace(traces.get(3).traceId())).isEmpty();
            assertThat(store.assessments().listByTrace(traces.get(4).traceId())).hasSize(1);
        }
    }

    @Test
    void batchSplitOverTwoExperiments_withOnePartLost_isDroppedWhole() throws IOException {
        String other;
        Trace inA = TestTraces.rag(expId, 100, T0);
        Trace inB;
        try (FsStore store = open()) {
            other = store.experiments().getOrCreate("other").experimentId();
            store.traces().put(List.of(TestTraces.rag(other, 99, T0)));
            inB = TestTraces.rag(other, 101, T0);
            store.traces().put(List.of(inA, inB));
        }
        Path segB = root.resolve("experiments").resolve(other).resolve("traces").resolve(SegmentFiles.fileName(1));
        List<Long> offsetsB = recordOffsets(segB);
        truncate(segB, offsetsB.get(1)); // the crash came after A's part was written, before B's
        try (FsStore store = open()) {
            RecoveryReport r = store.recoveryReport();
            assertThat(r.of(RecoveryReport.Kind.INCOMPLETE_BATCH)).singleElement().satisfies(f -> {
                assertThat(f.detail()).contains(inA.traceId()).contains("1 of 2");
                assertThat(f.file()).isEqualTo(segment());
            });
            assertThat(store.traces().get(inA.traceId())).isEmpty();
            assertThat(store.traces().get(inB.traceId())).isEmpty();
            assertThat(store.traces().get(TestTraces.rag(other, 99, T0).traceId())).isPresent();
            assertThat(store.traces().count(expId)).isEqualTo(10);
        }
        try (FsStore store = open()) {
            assertThat(store.recoveryReport().isClean()).as(store.recoveryReport().toString()).isTrue();
        }
    }

    @Test
    void truncatedSegmentHeader_ofNewestSegment_isRewrittenEmpty() throws IOException {
        Path seg2 = segment().resolveSibling(SegmentFiles.fileName(2));
        Files.write(seg2, new byte[] {'V', 'I', 'G'});
        try (FsStore store = open()) {
            assertThat(store.recoveryReport().of(RecoveryReport.Kind.TORN_TAIL)).singleElement()
                    .satisfies(f -> assertThat(f.file()).isEqualTo(seg2));
            store.traces().put(List.of(TestTraces.rag(expId, 50, T0)));
        }
        try (FsStore store = open()) {
            assertThat(store.recoveryReport().isClean()).isTrue();
            assertThat(store.traces().count(expId)).isEqualTo(11);
        }
    }

    @Test
    void damagedStateFile_failsOpen_namingTheFile() throws IOException {
        try (FsStore store = open()) {
            store.scorers().create(new ScorerVersion(expId, "s", 1, new ScorerDefinition("java", Map.of()),
                    SamplingConfig.of(1), 1, T0, T0));
        }
        Path state = root.resolve("experiments").resolve(expId).resolve(FsScorerStore.STATE_FILE);
        flip(state, Files.size(state) / 2);
        assertThatThrownBy(this::open).isInstanceOf(StoreException.class)
                .hasMessageContaining(state.toString()).hasMessageContaining("damaged");
    }

    @Test
    void leftoverTempFile_isRemovedAndReported() throws IOException {
        Path leftover = root.resolve("state").resolve("jobs.state.123.tmp");
        Files.writeString(leftover, "half a file");
        try (FsStore store = open()) {
            assertThat(store.recoveryReport().of(RecoveryReport.Kind.LEFTOVER_TEMP_FILE)).singleElement()
                    .satisfies(f -> assertThat(f.file()).isEqualTo(leftover));
            assertThat(leftover).doesNotExist();
        }
    }

    @Test
    void readOnlyOpen_reportsButRepairsNothing() throws IOException {
        long size = Files.size(segment());
        truncate(segment(), size - 5);
        try (FsStore store = FsStore.open(root, new StoreOptions(new MutableClock(T0),
                Map.of("fs.readOnly", "true")))) {
            assertThat(store.recoveryReport().of(RecoveryReport.Kind.TORN_TAIL)).singleElement()
                    .satisfies(f -> assertThat(f.detail()).contains("read-only"));
            assertThat(store.traces().count(expId)).isEqualTo(9);
        }
        assertThat(Files.size(segment())).isEqualTo(size - 5);
    }
}
