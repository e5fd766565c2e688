package dev.vigil.otel;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Assembles traces whose spans arrive over OTLP in several batches, out of order, possibly across a restart.
 *
 * <ul>
 *   <li>Every accepted batch is merged into the stored trace (spans keyed by span id: a span delivered twice is
 *       kept once, so duplicate batches are idempotent) and written to the store before {@link #accept} returns,
 *       as {@link TraceState#IN_PROGRESS}: nothing acknowledged is lost if the process dies.</li>
 *   <li>{@link #tick()} completes a trace once its root span (a span without parent) has ended and no span arrived
 *       for the quiet period (default 2 s): it is stored again as OK or ERROR (from the root span's status) and the
 *       engine, which scores only complete traces, scores it.</li>
 *   <li>A trace still open after the maximum age (default 10 min; e.g. its root span never arrives or never ends)
 *       is closed as ERROR with the metadata {@code vigil.otel.incomplete=true} and forgotten: it is never kept in
 *       memory forever.</li>
 *   <li>A span arriving after completion follows the {@link LateSpanRule}. Under every rule but {@code DROP} the
 *       updated trace is stored (still complete) and its {@link #METADATA_REVISION} counts such updates; a
 *       duplicate delivery of a late batch changes nothing and counts nothing.
 *       <ul>
 *         <li>{@link LateSpanRule#UPDATE_KEEP_ASSESSMENTS} (the default) keeps the existing assessments: the engine
 *             does not score a trace again with a scorer version that already scored it, so no duplicate
 *             assessment appears.</li>
 *         <li>{@link LateSpanRule#RESCORE} also raises the trace's {@link TraceInfo#METADATA_REVISION}, so the
 *             engine scores the new version of the trace once with each active scorer version: the earlier
 *             assessments stay as history with {@code valid = false}, overridden by the new ones, and the trace
 *             never holds two valid assessments of one scorer version (exactly once per revision, across
 *             restarts and engines: the store keys scorer feedback by trace revision).</li>
 *         <li>{@link LateSpanRule#DROP} ignores late spans (counted in {@link #lateSpansDropped()}).</li>
 *       </ul></li>
 *   <li>With a quiet period of zero, a trace whose root span has ended is stored complete as it arrives.</li>
 *   <li>{@link #recover()} (call once at start) re-adopts the IN_PROGRESS traces stored within the maximum age,
 *       so that traces interrupted by a restart still complete or close.</li>
 * </ul>
 * Thread-safe; the in-memory state is bounded by {@code maxOpenTraces} (beyond it {@link #accept} refuses the
 * batch with {@link AdmissionException}, which OTLP/HTTP turns into 503 + Retry-After).
 */
public final class TraceAssembler {

    /**
     * Metadata key counting the updates of a trace by spans that arrived after it completed (absent: none), so that
     * such traces can be found ({@code metadata.`vigil.otel.revision` IS NOT NULL}) and re-scored by a backfill.
     */
    public static final String METADATA_REVISION = "vigil.otel.revision";

    /** Metadata key marking a trace closed by the maximum age rather than completed. */
    public static final String METADATA_INCOMPLETE = "vigil.otel.incomplete";

    /** What a span arriving after its trace completed does. */
    public enum LateSpanRule {
        /** Store the updated trace; keep the assessments it already has (never a duplicate). The default. */
        UPDATE_KEEP_ASSESSMENTS,
        /**
         * Store the updated trace as a new revision ({@link TraceInfo#METADATA_REVISION}) that the active scorers
         * score again; the earlier assessments stay as history, no longer valid.
         */
        RESCORE,
        /** Ignore late spans of completed traces. */
        DROP
    }

    /** A batch refused because too many traces are open (backpressure): {@link Admission.Reason#ASSEMBLY_FULL}. */
    public static final class AdmissionException extends dev.vigil.otel.AdmissionException {
        private static final long serialVersionUID = 1L;

        AdmissionException(String message) {
            super(Admission.Reason.ASSEMBLY_FULL, java.time.Duration.ofSeconds(2), message);
        }
    }

    private record Open(String experimentId, Map<String, Object> resource, Instant firstSeen, Instant lastSeen) {}

    private final Store store;
    private final InstantSource clock;
    private final Duration quietPeriod;
    private final Duration maxAge;
    private final int maxOpenTraces;
    private final LateSpanRule lateSpanRule;
    private final Runnable onComplete;
    private final Map<String, Open> open = new HashMap<>();
    private long lateDropped;
    private long lateUpdated;

    private TraceAssembler(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.clock = b.clock;
        this.quietPeriod = b.quietPeriod;
        this.maxAge = b.maxAge;
        this.maxOpenTraces = b.maxOpenTraces;
        this.lateSpanRule = b.lateSpanRule;
        this.onComplete = b.onComplete;
    }

    /** @param store where traces are written @return a builder */
    public static Builder builder(Store store) {
        Builder b = new Builder();
        b.store = store;
        return b;
    }

    /**
     * Merges a batch of (partial) traces, as {@link OtlpMapper#map} returns them, into the store.
     *
     * @param batch partial traces
     * @throws AdmissionException if accepting would exceed the open-trace limit; nothing is written
     */
    public synchronized void accept(List<Trace> batch) {
        Instant now = clock.instant();
        long newOpen = batch.stream().filter(t -> !open.containsKey(t.traceId())).count();
        if (open.size() + newOpen > maxOpenTraces) {
            throw new AdmissionException(open.size() + " traces are being assembled (limit " + maxOpenTraces
                    + "); retry later");
        }
        List<Trace> writes = new ArrayList<>();
        List<Runnable> commits = new ArrayList<>();
        for (Trace partial : batch) {
            Open o = open.get(partial.traceId());
            Trace stored = store.traces().get(partial.traceId()).orElse(null);
            boolean completed = o == null && stored != null && stored.info().state().isComplete();
            if (completed && lateSpanRule == LateSpanRule.DROP) {
                if (!merge(stored.spans(), partial.spans()).equals(byId(stored.spans()))) {
                    lateDropped += partial.spans().size();
                }
                continue;
            }
            Map<String, Span> merged = merge(stored == null ? List.of() : stored.spans(), partial.spans());
            if (stored != null && merged.equals(byId(stored.spans()))) {
                if (o != null) {
                    Open was = o;
                    commits.add(() -> open.put(partial.traceId(), new Open(was.experimentId(), was.resource(),
                            was.firstSeen(), now)));
                }
                continue; // a duplicate delivery: nothing new
            }
            Map<String, Object> resource = o != null ? o.resource() : Map.of();
            Trace assembled = OtlpMapper.assemble(partial.traceId(), partial.experimentId(),
                    new ArrayList<>(merged.values()), resource);
            assembled = withMetadata(assembled, partial.info().traceMetadata());
            if (completed) {
                lateUpdated += partial.spans().size();
                // late span: stays complete, as a new revision (scored again under RESCORE)
                writes.add(withRevision(keepAssessments(assembled, stored), stored,
                        lateSpanRule == LateSpanRule.RESCORE));
            } else if (quietPeriod.isZero() && rootEnded(assembled)) {
                // no quiet period: a trace whose root has ended is complete as it arrives (one write, no tick)
                writes.add(completedForm(assembled));
                if (o != null) {
                    commits.add(() -> open.remove(partial.traceId()));
                }
            } else {
                writes.add(withState(assembled, TraceState.IN_PROGRESS, Map.of()));
                Instant first = o != null ? o.firstSeen() : now;
                commits.add(() -> open.put(partial.traceId(), new Open(partial.experimentId(), resource, first, now)));
            }
        }
        if (!writes.isEmpty()) {
            store.traces().put(writes);
        }
        commits.forEach(Runnable::run);
        if (writes.stream().anyMatch(t -> t.info().state().isComplete())) {
            onComplete.run();
        }
    }

    /**
     * Completes the traces that are quiet with their root ended, and closes those past the maximum age.
     *
     * @return how many traces were completed or closed
     */
    public synchronized int tick() {
        Instant now = clock.instant();
        List<Trace> writes = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Open> e : open.entrySet()) {
            Open o = e.getValue();
            boolean tooOld = !o.firstSeen().plus(maxAge).isAfter(now);
            boolean quiet = !o.lastSeen().plus(quietPeriod).isAfter(now);
            if (!quiet && !tooOld) {
                continue;
            }
            Trace stored = store.traces().get(e.getKey()).orElse(null);
            if (stored == null) {
                done.add(e.getKey());
                continue;
            }
            if (quiet && rootEnded(stored)) {
                writes.add(completedForm(stored));
                done.add(e.getKey());
            } else if (tooOld) {
                writes.add(withState(stored, TraceState.ERROR, Map.of(METADATA_INCOMPLETE, "true")));
                done.add(e.getKey());
            }
        }
        if (!writes.isEmpty()) {
            store.traces().put(writes);
        }
        done.forEach(open::remove);
        if (!writes.isEmpty()) {
            onComplete.run();
        }
        return writes.size();
    }

    /**
     * Re-adopts IN_PROGRESS traces stored within the maximum age (after a restart), so they complete or close.
     *
     * @return how many were adopted
     */
    public synchronized int recover() {
        Instant now = clock.instant();
        int adopted = 0;
        for (var experiment : store.experiments().list()) {
            String token = null;
            do {
                TracePage page = store.traces().scan(new TraceQuery(experiment.experimentId(), now.minus(maxAge),
                        null, null), token, 500);
                for (Trace t : page.traces()) {
                    if (t.info().state() == TraceState.IN_PROGRESS && !open.containsKey(t.traceId())
                            && t.info().traceMetadata().containsKey(OtlpMapper.METADATA_SOURCE)) {
                        open.put(t.traceId(), new Open(t.experimentId(), Map.of(), t.info().requestTime(), now));
                        adopted++;
                    }
                }
                token = page.nextPageToken();
            } while (token != null);
        }
        return adopted;
    }

    private static boolean rootEnded(Trace t) {
        Span root = t.spans().stream().filter(Span::isRoot).findFirst().orElse(null);
        return root != null && root.endTimeUnixNano() != 0;
    }

    /** @return the trace as OK or ERROR, from its root span's status */
    private static Trace completedForm(Trace t) {
        Span root = t.spans().stream().filter(Span::isRoot).findFirst().orElseThrow();
        return withState(t, root.status().code() == SpanStatusCode.ERROR ? TraceState.ERROR : TraceState.OK,
                Map.of());
    }

    /**
     * @param rescore whether to raise the revision scorers judge ({@link TraceInfo#METADATA_REVISION}) too
     * @return the late-updated trace with {@link #METADATA_REVISION} one above the stored one's (and, to re-score,
     *     the scored revision set to the same number, which is above any earlier one)
     */
    private static Trace withRevision(Trace updated, Trace stored, boolean rescore) {
        Map<String, String> md = stored.info().traceMetadata();
        long next = Math.max(TraceInfo.parseRevision(md.get(METADATA_REVISION)), stored.info().revision()) + 1;
        String n = Long.toString(next);
        return withState(updated, updated.info().state(),
                rescore ? Map.of(METADATA_REVISION, n, TraceInfo.METADATA_REVISION, n) : Map.of(METADATA_REVISION, n));
    }

    /** @return the rule for spans arriving after their trace completed */
    public LateSpanRule lateSpanRule() {
        return lateSpanRule;
    }

    /** @return spans that arrived after their trace completed and updated it (not under {@link LateSpanRule#DROP}) */
    public synchronized long lateSpansUpdated() {
        return lateUpdated;
    }

    /** @return traces being assembled (stored IN_PROGRESS) */
    public synchronized int openTraces() {
        return open.size();
    }

    /** @return late spans ignored under {@link LateSpanRule#DROP} */
    public synchronized long lateSpansDropped() {
        return lateDropped;
    }

    /** @return the quiet period */
    public Duration quietPeriod() {
        return quietPeriod;
    }

    private static Map<String, Span> byId(List<Span> spans) {
        Map<String, Span> m = new TreeMap<>();
        spans.forEach(s -> m.put(s.spanId(), s));
        return m;
    }

    private static Map<String, Span> merge(List<Span> stored, List<Span> incoming) {
        Map<String, Span> m = byId(stored);
        incoming.forEach(s -> m.put(s.spanId(), s));
        return m;
    }

    private static Trace withMetadata(Trace t, Map<String, String> extra) {
        Map<String, String> md = new LinkedHashMap<>(extra);
        md.putAll(t.info().traceMetadata());
        TraceInfo i = t.info();
        return new Trace(new TraceInfo(i.traceId(), i.experimentId(), i.requestTime(), i.executionDurationMs(),
                i.state(), i.requestPreview(), i.responsePreview(), i.clientRequestId(), md, i.tags(),
                i.assessments()), t.spans());
    }

    private static Trace keepAssessments(Trace assembled, Trace stored) {
        TraceInfo i = assembled.info();
        Map<String, String> md = new LinkedHashMap<>(i.traceMetadata());
        stored.info().traceMetadata().forEach(md::putIfAbsent);
        return new Trace(new TraceInfo(i.traceId(), i.experimentId(), i.requestTime(), i.executionDurationMs(),
                i.state(), i.requestPreview(), i.responsePreview(), i.clientRequestId(), md,
                stored.info().tags(), stored.info().assessments()), assembled.spans());
    }

    private static Trace withState(Trace t, TraceState state, Map<String, String> extra) {
        TraceInfo i = t.info();
        Map<String, String> md = new LinkedHashMap<>(i.traceMetadata());
        md.putAll(extra);
        return new Trace(new TraceInfo(i.traceId(), i.experimentId(), i.requestTime(), i.executionDurationMs(),
                state, i.requestPreview(), i.responsePreview(), i.clientRequestId(), md, i.tags(),
                i.assessments()), t.spans());
    }

    /** Options of a {@link TraceAssembler}. */
    public static final class Builder {
        private Store store;
        private InstantSource clock = InstantSource.system();
        private Duration quietPeriod = Duration.ofSeconds(2);
        private Duration maxAge = Duration.ofMinutes(10);
        private int maxOpenTraces = 100_000;
        private LateSpanRule lateSpanRule = LateSpanRule.UPDATE_KEEP_ASSESSMENTS;
        private Runnable onComplete = () -> { };

        private Builder() {}

        /** @param v the clock @return this */
        public Builder clock(InstantSource v) {
            clock = Objects.requireNonNull(v);
            return this;
        }

        /** @param v how long no span must arrive before a trace with an ended root completes @return this */
        public Builder quietPeriod(Duration v) {
            if (v.isNegative()) {
                throw new IllegalArgumentException("quietPeriod must be 0 or more, got " + v);
            }
            quietPeriod = v;
            return this;
        }

        /** @param v how long a trace may stay open before it is closed as incomplete @return this */
        public Builder maxAge(Duration v) {
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("maxAge must be positive, got " + v);
            }
            maxAge = v;
            return this;
        }

        /** @param v most traces assembled at once (admission limit) @return this */
        public Builder maxOpenTraces(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxOpenTraces must be at least 1, got " + v);
            }
            maxOpenTraces = v;
            return this;
        }

        /** @param v the rule for spans arriving after completion @return this */
        public Builder lateSpanRule(LateSpanRule v) {
            lateSpanRule = Objects.requireNonNull(v);
            return this;
        }

        /** @param v called after traces were completed (e.g. wake the engine) @return this */
        public Builder onComplete(Runnable v) {
            onComplete = Objects.requireNonNull(v);
            return this;
        }

        /** @return the assembler */
        public TraceAssembler build() {
            return new TraceAssembler(this);
        }
    }
}
