package dev.vigil.storage.fs;

import dev.vigil.spi.StoreException;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.spi.store.TraceStore;
import dev.vigil.spi.store.support.KeysetPager;
import dev.vigil.spi.store.support.ScanKey;
import dev.vigil.spi.store.support.StoreArguments;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Traces: one append-only log per experiment. A batch is written as one record per trace, each carrying the
 * batch id and size; a batch split over several experiments' logs counts as written only when every record of it
 * is found at open, so a crash between two logs never leaves half a batch.
 */
final class FsTraceStore implements TraceStore {
    /** The tag of this store's page tokens. */
    private static final String TOKEN_TAG = "fs2";
    private static final NavigableMap<ScanKey, TraceRef> EMPTY = new TreeMap<>();


    private final FileStore store;
    private final Map<String, SegmentLog> logs = new HashMap<>();
    private final Map<String, TraceRef> byId = new HashMap<>();
    private final Map<String, NavigableMap<ScanKey, TraceRef>> byExperiment = new HashMap<>();
    private final NavigableMap<Long, TraceRef> arrivals = new TreeMap<>();
    private long lastSequence;
    private long lastBatch;

    FsTraceStore(FileStore store) {
        this.store = store;
    }

    private record Found(String experimentId, long position, TraceRecords.Header header) {}

    void load(RecoveryReport.Builder report) {
        Map<String, List<Found>> perLog = new LinkedHashMap<>();
        Map<Long, Integer> batchCounts = new HashMap<>();
        for (Experiment e : store.experiments.listLocked()) {
            String id = e.experimentId();
            Path dir = store.experiments.dirOf(id).resolve("traces");
            List<Found> found = new ArrayList<>();
            SegmentLog log = SegmentLog.open(dir, "trace", store.options.readOnly(), store.options.segmentBytes(), 0,
                    report, store.quarantine, (pos, payload) -> {
                        TraceRecords.Header h;
                        try {
                            h = TraceRecords.traceHeader(payload);
                        } catch (RuntimeException ex) {
                            report.add(RecoveryReport.Kind.CORRUPT, dir.resolve(SegmentFiles.fileName(
                                    SegmentFiles.segmentOf(pos))), SegmentFiles.offsetOf(pos),
                                    "a record with a valid checksum that is not a trace record: " + ex);
                            return;
                        }
                        found.add(new Found(id, pos, h));
                        batchCounts.merge(h.batchId(), 1, Integer::sum);
                    });
            logs.put(id, log);
            perLog.put(id, found);
        }
        List<Found> complete = new ArrayList<>();
        for (Map.Entry<String, List<Found>> entry : perLog.entrySet()) {
            SegmentLog log = logs.get(entry.getKey());
            List<Found> found = entry.getValue();
            // records of incomplete batches at the end of the newest segment are cut off; elsewhere skipped
            int cutFrom = found.size();
            while (cutFrom > 0) {
                Found f = found.get(cutFrom - 1);
                boolean incomplete = batchCounts.get(f.header().batchId()) < f.header().batchSize();
                if (!incomplete || SegmentFiles.segmentOf(f.position()) != log.activeSegment()) {
                    break;
                }
                cutFrom--;
            }
            for (int i = 0; i < found.size(); i++) {
                Found f = found.get(i);
                lastSequence = Math.max(lastSequence, f.header().sequence());
                lastBatch = Math.max(lastBatch, f.header().batchId());
                int count = batchCounts.get(f.header().batchId());
                if (count < f.header().batchSize()) {
                    Path file = log.dir().resolve(SegmentFiles.fileName(SegmentFiles.segmentOf(f.position())));
                    report.add(RecoveryReport.Kind.INCOMPLETE_BATCH, file, SegmentFiles.offsetOf(f.position()),
                            "trace " + f.header().traceId() + " belongs to batch " + f.header().batchId()
                                    + " of which only " + count + " of " + f.header().batchSize()
                                    + " records exist; the batch was never acknowledged and is dropped"
                                    + (i >= cutFrom ? (store.options.readOnly() ? "" : " (cut off)")
                                            : " (skipped: not at the end of the log)"));
                } else {
                    complete.add(f);
                }
            }
            if (cutFrom < found.size() && !store.options.readOnly()) {
                try {
                    log.truncate(found.get(cutFrom).position(), store.quarantine);
                } catch (IOException e) {
                    throw new StoreException("cannot cut an incomplete batch off " + log.dir() + ": " + e, e);
                }
            }
        }
        complete.sort((a, b) -> Long.compare(a.header().sequence(), b.header().sequence()));
        for (Found f : complete) {
            TraceRecords.Header h = f.header();
            index(new TraceRef(h.traceId(), f.experimentId(), h.requestTime(), h.sequence(), f.position()));
        }
    }

    /** Puts a ref in every index, replacing the trace's older ref. Call under the write lock. */
    private void index(TraceRef ref) {
        TraceRef old = byId.get(ref.traceId());
        if (old != null) {
            store.rollups.moveLocked(old, ref);
        }
        byId.put(ref.traceId(), ref);
        if (old != null) {
            arrivals.remove(old.sequence());
            NavigableMap<ScanKey, TraceRef> exp = byExperiment.get(old.experimentId());
            if (exp != null) {
                exp.remove(old.key());
            }
        }
        arrivals.put(ref.sequence(), ref);
        byExperiment.computeIfAbsent(ref.experimentId(), e -> new TreeMap<>()).put(ref.key(), ref);
    }

    @Override
    public void put(List<Trace> traces) {
        put(traces, dev.vigil.spi.store.WriteLimits.DEFAULTS);
    }

    /**
     * @param limits the limits to check, or null for none: what versions before {@link
     *     dev.vigil.spi.store.WriteLimits} wrote (tests plant such records to check that readers skip them)
     */
    void put(List<Trace> traces, dev.vigil.spi.store.WriteLimits limits) {
        List<Trace> batch = StoreArguments.traceBatch(traces, limits);
        int n = batch.size();
        List<byte[]> json = new ArrayList<>(n);
        for (Trace bare : batch) {
            json.add(TraceRecords.traceJson(bare)); // the costly part, done before taking the lock
        }
        if (n == 0) {
            store.read(() -> null); // nothing to write, but a closed store still says so
            return;
        }
        store.write(() -> {
            for (Trace t : batch) {
                store.requireExperiment(t.experimentId(), "trace " + t.traceId());
            }
            long batchId = lastBatch + 1;
            Map<String, List<Integer>> byExp = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                byExp.computeIfAbsent(batch.get(i).experimentId(), e -> new ArrayList<>()).add(i);
            }
            long[] positions = new long[n];
            Map<SegmentLog, Long> appended = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, List<Integer>> e : byExp.entrySet()) {
                    SegmentLog log = logFor(e.getKey());
                    List<byte[]> payloads = new ArrayList<>(e.getValue().size());
                    for (int i : e.getValue()) {
                        payloads.add(TraceRecords.trace(batchId, n, lastSequence + 1 + i, batch.get(i), json.get(i)));
                    }
                    long[] pos = log.append(payloads);
                    appended.put(log, pos[0]);
                    for (int k = 0; k < pos.length; k++) {
                        positions[e.getValue().get(k)] = pos[k];
                    }
                }
                for (SegmentLog log : appended.keySet()) {
                    store.durable(log);
                }
            } catch (RuntimeException ex) {
                undo(appended);
                throw ex;
            }
            lastBatch = batchId;
            for (int i = 0; i < n; i++) {
                Trace t = batch.get(i);
                index(new TraceRef(t.traceId(), t.experimentId(), t.info().requestTime(), lastSequence + 1 + i,
                        positions[i]));
            }
            lastSequence += n;
            return null;
        });
    }

    private void undo(Map<SegmentLog, Long> appended) {
        for (Map.Entry<SegmentLog, Long> e : appended.entrySet()) {
            try {
                e.getKey().truncate(e.getValue(), null);
            } catch (IOException | RuntimeException ignored) {
                // the batch stays incomplete on disk and is dropped at the next open
            }
        }
    }

    private SegmentLog logFor(String experimentId) {
        SegmentLog log = logs.get(experimentId);
        if (log == null) {
            Path dir = store.experiments.dirOf(experimentId).resolve("traces");
            log = SegmentLog.open(dir, "trace", false, store.options.segmentBytes(), 0,
                    new RecoveryReport.Builder(), store.quarantine, (pos, payload) -> {});
            logs.put(experimentId, log);
        }
        return log;
    }

    @Override
    public Optional<Trace> get(String traceId) {
        if (traceId == null) {
            return Optional.empty();
        }
        return store.read(() -> {
            TraceRef ref = byId.get(traceId);
            return ref == null ? Optional.empty() : Optional.ofNullable(loadLocked(ref));
        });
    }

    /**
     * The trace a ref points to, with its current assessments. Call under the lock.
     *
     * @return the trace, or null if its record cannot be decoded (logged and counted once, then skipped)
     */
    Trace loadLocked(TraceRef ref) {
        SegmentLog log = logs.get(ref.experimentId());
        byte[] payload = log.read(ref.position());
        Trace t;
        try {
            t = TraceRecords.traceBody(payload, "of trace " + ref.traceId() + " in " + log.dir() + " segment "
                    + SegmentFiles.segmentOf(ref.position()) + " at offset " + SegmentFiles.offsetOf(ref.position()));
        } catch (StoreException e) {
            store.skipped.skip("trace", ref.traceId(), e.getMessage());
            return null;
        }
        return t.withAssessments(store.assessments.listLocked(ref.traceId()));
    }

    @Override
    public TracePage scan(TraceQuery query, String pageToken, int maxResults) {
        KeysetPager.Scan scan = StoreArguments.scan(query, pageToken, maxResults, TOKEN_TAG);
        return store.read(() -> {
            store.requireExperiment(query.experimentId(), "the scan");
            NavigableMap<ScanKey, TraceRef> index = byExperiment.getOrDefault(query.experimentId(), EMPTY);
            return KeysetPager.page(index, scan, this::loadLocked);
        });
    }

    @Override
    public long count(TraceQuery query) {
        KeysetPager.Scan scan = StoreArguments.scan(query, null, 1, TOKEN_TAG);
        return store.read(() -> {
            store.requireExperiment(query.experimentId(), "the count");
            NavigableMap<ScanKey, TraceRef> index = byExperiment.getOrDefault(query.experimentId(), EMPTY);
            // without a filter the index answers; with one, each trace is read and tested as the scan does (an
            // undecodable record is skipped by both)
            return KeysetPager.count(index, scan, query.filter() == null, this::loadLocked);
        });
    }

    /** The refs of an experiment in [from, to), in scan order. Call under the lock. */
    NavigableMap<ScanKey, TraceRef> rangeLocked(String experimentId, Instant from, Instant to) {
        NavigableMap<ScanKey, TraceRef> index = byExperiment.get(experimentId);
        if (index == null || !to.isAfter(from)) {
            return new TreeMap<>();
        }
        return index.subMap(ScanKey.first(from), true, ScanKey.first(to), false);
    }

    /** Refs that arrived after a sequence, in arrival order. Call under the lock. */
    NavigableMap<Long, TraceRef> arrivalsLocked(long afterSequence) {
        return arrivals.tailMap(afterSequence, false);
    }

    @Override
    public List<TailEntry> tail(long afterSequence, int limit) {
        StoreArguments.tail(afterSequence, limit);
        return store.read(() -> {
            List<TailEntry> out = new ArrayList<>(Math.min(limit, 256));
            for (TraceRef ref : arrivals.tailMap(afterSequence, false).values()) {
                if (out.size() == limit) {
                    break;
                }
                Trace t = loadLocked(ref);
                if (t != null) {
                    out.add(new TailEntry(ref.sequence(), t));
                }
            }
            return List.copyOf(out);
        });
    }

    @Override
    public long count(String experimentId) {
        return store.read(() -> {
            NavigableMap<ScanKey, TraceRef> index = experimentId == null ? null : byExperiment.get(experimentId);
            return index == null ? 0L : (long) index.size();
        });
    }

    /** Call under the lock. */
    TraceRef refLocked(String traceId) {
        return byId.get(traceId);
    }

    void forceAll() {
        for (SegmentLog log : logs.values()) {
            log.force();
        }
    }

    void closeLogs() {
        for (SegmentLog log : logs.values()) {
            log.close();
        }
    }
}
