package dev.vigil.storage.jdbc;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small deterministic traces for the crash and backfill tests: trace i is always the same. */
public final class CrashTraces {
    /** Request time of trace 0. */
    public static final Instant START = Instant.parse("2026-02-01T00:00:00Z");

    private CrashTraces() {}

    /** @param i index @return its trace id */
    public static String id(int i) {
        return String.format("tr-%08d", i);
    }

    /**
     * @param experimentId the experiment
     * @param i the index
     * @return trace i: OK, or ERROR for every seventh
     */
    public static Trace trace(String experimentId, int i) {
        String id = id(i);
        Instant at = START.plusMillis(i * 10L);
        TraceState state = i % 7 == 0 ? TraceState.ERROR : TraceState.OK;
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(experimentId).requestTime(at)
                .executionDurationMs(5L).state(state).requestPreview("q" + i).responsePreview("a" + i).build();
        long ns = at.toEpochMilli() * 1_000_000L;
        Span root = new Span(id, "s" + i, null, "chat", ns, ns + 5_000_000L,
                state == TraceState.OK ? SpanStatus.UNSET : SpanStatus.UNSET, "CHAIN",
                Map.of("question", "question " + i), "answer " + "x".repeat(i % 13), Map.of(), List.of());
        return new Trace(info, List.of(root));
    }

    /**
     * @param experimentId the experiment
     * @param from first index
     * @param to index after the last
     * @return traces from..to-1
     */
    public static List<Trace> range(String experimentId, int from, int to) {
        List<Trace> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(trace(experimentId, i));
        }
        return out;
    }
}
