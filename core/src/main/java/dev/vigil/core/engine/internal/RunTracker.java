package dev.vigil.core.engine.internal;

import dev.vigil.spi.judge.FailureKind;
import dev.vigil.core.engine.RunStats;
import dev.vigil.core.engine.ScorerKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Collects {@link RunStats} per scorer version; thread-safe. Latencies are kept for the last 1,024 runs. */
final class RunTracker {
    private static final int WINDOW = 1024;

    private final Map<ScorerKey, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        Instant lastSuccessAt;
        Instant lastErrorAt;
        FailureKind lastKind;
        String lastMessage;
        String lastCode;
        final EnumMap<FailureKind, Long> byKind = new EnumMap<>(FailureKind.class);
        long scorerErrors;
        long deferred;
        final long[] latencies = new long[WINDOW];
        long runs;
    }

    private Entry entry(ScorerKey key) {
        return entries.computeIfAbsent(key, k -> new Entry());
    }

    void success(ScorerKey key, Instant at, Duration completionToAssessment) {
        Entry e = entry(key);
        synchronized (e) {
            e.lastSuccessAt = at;
            e.latencies[(int) (e.runs++ % WINDOW)] = Math.max(0, completionToAssessment.toNanos());
        }
    }

    /** @param kind the provider failure kind, or null for a scorer's own failure */
    void failure(ScorerKey key, Instant at, FailureKind kind, String code, String message, boolean deferred) {
        Entry e = entry(key);
        synchronized (e) {
            e.lastCode = code;
            e.lastErrorAt = at;
            e.lastKind = kind;
            e.lastMessage = message;
            if (kind == null) {
                e.scorerErrors++;
            } else {
                e.byKind.merge(kind, 1L, Long::sum);
            }
            if (deferred) {
                e.deferred++;
            }
        }
    }

    Map<ScorerKey, RunStats> snapshot() {
        Map<ScorerKey, RunStats> out = new HashMap<>();
        entries.forEach((k, e) -> {
            synchronized (e) {
                int n = (int) Math.min(e.runs, WINDOW);
                Duration p50 = null;
                Duration p99 = null;
                if (n > 0) {
                    long[] sorted = Arrays.copyOf(e.latencies, n);
                    Arrays.sort(sorted);
                    p50 = Duration.ofNanos(sorted[percentileIndex(n, 0.50)]);
                    p99 = Duration.ofNanos(sorted[percentileIndex(n, 0.99)]);
                }
                out.put(k, new RunStats(k, e.lastSuccessAt, e.lastErrorAt, e.lastKind, e.lastCode, e.lastMessage, e.byKind,
                        e.scorerErrors, e.deferred, p50, p99));
            }
        });
        return out;
    }

    /** Nearest-rank percentile. */
    static int percentileIndex(int n, double p) {
        return Math.max(0, Math.min(n - 1, (int) Math.ceil(p * n) - 1));
    }
}
