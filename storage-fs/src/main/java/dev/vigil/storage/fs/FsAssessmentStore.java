package dev.vigil.storage.fs;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.store.AssessmentStore;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.WriteLimits;
import dev.vigil.spi.store.support.AssessmentRules;
import dev.vigil.spi.store.support.AssessmentRules.FeedbackKey;
import dev.vigil.spi.store.support.StoreArguments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assessments: one append-only log for the whole store ({@code assessments/}), one record per write (so a batch
 * of upserts is atomic), replayed into memory at open. An upsert writes the assessment again under the id it
 * already has, so the log holds superseded versions until {@link #compact()} rewrites it.
 */
final class FsAssessmentStore implements AssessmentStore {
    /** Assessments per record in a compacted segment. */
    private static final int COMPACT_CHUNK = 512;

    private final FileStore store;
    private final Object compactionMutex = new Object();
    private final Map<String, Assessment> byId = new HashMap<>();
    private final Map<String, LinkedHashSet<String>> idsByTrace = new HashMap<>();
    private final Map<FeedbackKey, String> byKey = new HashMap<>();
    private SegmentLog log;
    private Path dir;

    FsAssessmentStore(FileStore store) {
        this.store = store;
    }

    void load(RecoveryReport.Builder report) {
        dir = store.root.resolve("assessments");
        int base = newestBase(dir);
        if (base > 0 && !store.options.readOnly()) {
            try {
                List<Integer> stale = SegmentFiles.segmentNumbers(dir, report);
                for (int n : stale) {
                    if (n < base) {
                        // a compaction finished its copy but crashed before deleting what it replaced
                        Files.deleteIfExists(dir.resolve(SegmentFiles.fileName(n)));
                    }
                }
            } catch (IOException e) {
                throw new StoreException("cannot clean up after compaction in " + dir + ": " + e, e);
            }
        }
        log = SegmentLog.open(dir, "assessment", store.options.readOnly(), store.options.segmentBytes(), base,
                report, store.quarantine, (pos, payload) -> {
                    if (payload[0] == TraceRecords.ASSESSMENTS) {
                        for (Assessment a : TraceRecords.readAssessments(payload, store.skipped)) {
                            apply(a);
                        }
                    } else if (payload[0] != TraceRecords.BASE) {
                        report.add(RecoveryReport.Kind.CORRUPT, dir.resolve(SegmentFiles.fileName(
                                SegmentFiles.segmentOf(pos))), SegmentFiles.offsetOf(pos),
                                "a record with a valid checksum but unknown type " + payload[0]);
                    }
                });
    }

    /** @return the number of the newest segment that starts with a BASE record (a compaction), or 0 */
    private static int newestBase(Path dir) {
        try {
            List<Integer> numbers = SegmentFiles.segmentNumbers(dir, null);
            for (int i = numbers.size() - 1; i >= 0; i--) {
                Path f = dir.resolve(SegmentFiles.fileName(numbers.get(i)));
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                    int want = SegmentFiles.SEGMENT_HEADER + RecordFraming.HEADER + 1;
                    ByteBuffer b = ByteBuffer.allocate(want);
                    while (b.hasRemaining() && ch.read(b) >= 0) {
                        // fill
                    }
                    byte[] a = b.array();
                    if (b.position() == want && RecordFraming.check(a, SegmentFiles.SEGMENT_HEADER,
                            want - SegmentFiles.SEGMENT_HEADER) == 1 && a[want - 1] == TraceRecords.BASE) {
                        return numbers.get(i);
                    }
                }
            }
            return 0;
        } catch (IOException e) {
            throw new StoreException("cannot read " + dir + ": " + e, e);
        }
    }

    /** Puts an assessment in the in-memory state, replacing one with its id. Call under the write lock. */
    private void apply(Assessment a) {
        Assessment old = byId.put(a.assessmentId(), a);
        if (old != null) {
            store.rollups.applyLocked(old, -1);
        }
        store.rollups.applyLocked(a, 1);
        if (old != null) {
            if (!old.traceId().equals(a.traceId())) {
                LinkedHashSet<String> ids = idsByTrace.get(old.traceId());
                if (ids != null) {
                    ids.remove(old.assessmentId());
                }
            }
            if (old.scorerName() != null) {
                byKey.remove(FeedbackKey.of(old), old.assessmentId());
            }
        }
        idsByTrace.computeIfAbsent(a.traceId(), t -> new LinkedHashSet<>()).add(a.assessmentId());
        if (a.scorerName() != null) {
            byKey.put(FeedbackKey.of(a), a.assessmentId());
        }
    }

    @Override
    public Assessment append(Assessment assessment) {
        AssessmentRules.checkAppend(assessment, WriteLimits.DEFAULTS);
        Assessment stored = AssessmentRules.withId(assessment);
        return store.write(() -> {
            requireTrace(stored);
            if (byId.containsKey(stored.assessmentId())) {
                throw new InvalidInputException("assessment id " + stored.assessmentId() + " is already stored; "
                        + "append a new assessment without an id (one is assigned), or use upsertScorerFeedback "
                        + "to replace scorer feedback");
            }
            writeRecord(List.of(stored));
            apply(stored);
            return stored;
        });
    }

    @Override
    public List<Assessment> upsertScorerFeedback(List<Assessment> assessments) {
        return upsertScorerFeedback(assessments, WriteLimits.DEFAULTS);
    }

    /**
     * @param limits the limits to check, or null for none: what versions before {@link
     *     WriteLimits} wrote (tests plant such records to check that readers skip them)
     */
    List<Assessment> upsertScorerFeedback(List<Assessment> assessments, WriteLimits limits) {
        AssessmentRules.checkUpsertBatch(assessments, limits);
        if (assessments.isEmpty()) {
            return List.of();
        }
        return store.write(() -> {
            for (Assessment a : assessments) {
                requireTrace(a);
            }
            Map<FeedbackKey, Assessment> inBatch = new HashMap<>();
            List<Assessment> out = new ArrayList<>(assessments.size());
            for (Assessment a : assessments) {
                FeedbackKey key = FeedbackKey.of(a);
                Assessment existing = inBatch.get(key);
                if (existing == null) {
                    String id = byKey.get(key);
                    existing = id == null ? null : byId.get(id);
                }
                Assessment stored;
                if (existing != null) {
                    stored = AssessmentRules.replacing(a, existing.assessmentId(), existing.createTime());
                } else {
                    stored = AssessmentRules.withId(a);
                }
                inBatch.put(key, stored);
                out.add(stored);
            }
            writeRecord(out);
            out.forEach(this::apply);
            return List.copyOf(out);
        });
    }

    private void requireTrace(Assessment a) {
        if (store.traces.refLocked(a.traceId()) == null) {
            throw AssessmentRules.traceMissing(a);
        }
    }

    private void writeRecord(List<Assessment> list) {
        log.append(List.of(TraceRecords.assessments(list)));
        store.durable(log);
    }

    @Override
    public List<Assessment> listByTrace(String traceId) {
        return store.read(() -> listLocked(traceId));
    }

    /** Call under the lock: every assessment. */
    Collection<Assessment> allLocked() {
        return List.copyOf(byId.values());
    }

    /** Call under the lock. */
    List<Assessment> listLocked(String traceId) {
        LinkedHashSet<String> ids = traceId == null ? null : idsByTrace.get(traceId);
        if (ids == null || ids.isEmpty()) {
            return List.of();
        }
        List<Assessment> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            out.add(byId.get(id));
        }
        return List.copyOf(out);
    }

    @Override
    public List<ScoredValue> valuesByScorer(String experimentId, String scorerName, Instant from, Instant to) {
        StoreArguments.valuesByScorer(experimentId, scorerName, from, to);
        return store.read(() -> {
            List<ScoredValue> out = new ArrayList<>();
            for (TraceRef ref : store.traces.rangeLocked(experimentId, from, to).values()) {
                LinkedHashSet<String> ids = idsByTrace.get(ref.traceId());
                if (ids == null) {
                    continue;
                }
                for (String id : ids) {
                    Assessment a = byId.get(id);
                    if (scorerName.equals(a.scorerName()) && a.feedback() != null && a.valid()) {
                        out.add(new ScoredValue(ref.requestTime(), a));
                    }
                }
            }
            return List.copyOf(out);
        });
    }

    @Override
    public Set<String> tracesScoredBy(String scorerName, int scorerVersion, Collection<String> traceIds) {
        if (scorerName == null || traceIds == null) {
            throw new InvalidInputException("tracesScoredBy needs a scorer name and trace ids");
        }
        return store.read(() -> {
            Set<String> out = new HashSet<>();
            for (String traceId : traceIds) {
                LinkedHashSet<String> ids = traceId == null ? null : idsByTrace.get(traceId);
                if (ids == null) {
                    continue;
                }
                for (String id : ids) {
                    Assessment a = byId.get(id);
                    if (scorerName.equals(a.scorerName()) && a.scorerVersion() == scorerVersion) {
                        out.add(traceId);
                        break;
                    }
                }
            }
            return Set.copyOf(out);
        });
    }

    void force() {
        log.force();
    }

    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    /**
     * Compacts: under the write lock, takes the live assessments and rolls the log past a reserved segment
     * number; then, without the lock, writes the live set into that reserved segment (temp file, fsync, rename),
     * marked BASE; finally deletes the older segments. A crash at any point leaves a log that replays to the same
     * state.
     */
    CompactionResult compact() {
        synchronized (compactionMutex) {
            record Snapshot(List<Assessment> live, int baseNumber, List<Integer> before, long bytesBefore) {}
            Snapshot snap = store.write(() -> {
                try {
                    List<Integer> before = log.segments();
                    long bytes = 0;
                    for (int n : before) {
                        bytes += Files.size(dir.resolve(SegmentFiles.fileName(n)));
                    }
                    List<Assessment> live = new ArrayList<>(byId.size());
                    for (LinkedHashSet<String> ids : idsByTrace.values()) {
                        for (String id : ids) {
                            live.add(byId.get(id));
                        }
                    }
                    int baseNumber = log.activeSegment() + 1;
                    log.rollTo(baseNumber + 1);
                    return new Snapshot(live, baseNumber, before, bytes);
                } catch (IOException e) {
                    throw new StoreException("cannot compact the assessment log in " + dir + ": " + e, e);
                }
            });
            Path target = dir.resolve(SegmentFiles.fileName(snap.baseNumber()));
            Path tmp = dir.resolve(SegmentFiles.fileName(snap.baseNumber()) + ".tmp");
            long bytesAfter;
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    writeAll(ch, SegmentFiles.header(snap.baseNumber()));
                    writeAll(ch, RecordFraming.frame(TraceRecords.base()));
                    List<Assessment> live = snap.live();
                    for (int i = 0; i < live.size(); i += COMPACT_CHUNK) {
                        writeAll(ch, RecordFraming.frame(TraceRecords.assessments(
                                live.subList(i, Math.min(live.size(), i + COMPACT_CHUNK)))));
                    }
                    ch.force(true);
                    bytesAfter = ch.size();
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                FsFiles.fsyncDirectory(dir);
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // removed at the next open
                }
                throw new StoreException("cannot write the compacted assessment log " + target + ": " + e, e);
            }
            store.write(() -> {
                try {
                    log.deleteBelow(snap.baseNumber());
                } catch (IOException e) {
                    throw new StoreException("compacted, but cannot delete the old segments of " + dir
                            + " (they are ignored at the next open): " + e, e);
                }
                return null;
            });
            long activeBytes = store.read(() -> log.activeSize());
            return new CompactionResult(snap.before().size(), snap.bytesBefore(), bytesAfter + activeBytes,
                    snap.live().size());
        }
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
