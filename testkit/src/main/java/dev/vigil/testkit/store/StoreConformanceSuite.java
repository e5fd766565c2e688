package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FieldKind;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every {@link Store} backend passes. A backend's test class extends it and implements
 * {@link #openStore(Clock)}:
 *
 * <pre>{@code
 * class JdbcStoreConformanceTest extends StoreConformanceSuite {
 *     @Override
 *     protected Store openStore(Clock clock) {
 *         return Stores.open("jdbc:h2:mem:" + UUID.randomUUID(), StoreOptions.withClock(clock));
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a new, empty store opened with a fresh {@link MutableClock} ({@link #clock}), which the suite
 * advances by hand to expire leases; the store is closed after the test. A durable backend extends
 * {@link DurableStoreConformanceSuite} instead, which adds the reopen test.
 *
 * <p>The contract checked here, beyond the javadoc of the {@code dev.vigil.spi.store} interfaces:
 * <ul>
 *   <li>every field of traces (spans, events, attributes), assessments, scorer versions and jobs round-trips:
 *       what is read back {@code equals} what was written. Request and assessment times are written with
 *       millisecond precision (MLflow's), span and event times are nanoseconds and must round-trip exactly.
 *       JSON numbers are written as {@code Long} or {@code Double} (see {@code dev.vigil.spi.json.Json}).
 *       Payloads hold any Unicode except U+0000, empty strings/maps/lists, and strings of 1 MB;</li>
 *   <li>bad input is rejected with {@link InvalidInputException} whose message names the offending value, and
 *       nothing of the call is written: a trace of an unknown experiment (the whole batch), an assessment on a
 *       trace not stored (the whole batch), scorer feedback without scorer name/version metadata, a scan of an
 *       unknown experiment (but {@code count} and {@code valuesByScorer} of one are simply empty), a bad page token or page size, a scorer or job of an unknown experiment, a new scorer
 *       version or job whose revision is not 1, a negative cursor position, a non-positive lease TTL;</li>
 *   <li>{@code append} assigns ids of the form the backend chooses (unique) to assessments without one and
 *       rejects an id already stored; {@code upsertScorerFeedback} replaces by key, keeping id, create time and
 *       place in the creation order;</li>
 *   <li>scans are keyset-paged by (request time, trace id), from inclusive and to exclusive; the last page has
 *       a null token (a backend may return one more, empty page before it); a query's filter is applied with the
 *       semantics of the SPI's {@link dev.vigil.spi.filter.FilterEvaluator} (a backend may simply evaluate
 *       {@code FilterEvaluator.compile(query.filter())} on each candidate, with the trace's current assessments, or push
 *       the filter down), and a filtered scan still pages without gaps or repeats;</li>
 *   <li>a scorer version must be created as latest + 1: a version at or below the latest is a
 *       {@link StaleWriteException} (another writer got there first), one above latest + 1 an
 *       {@link InvalidInputException};</li>
 *   <li>a lease is held while the clock reads strictly before {@code expiresAt}; re-acquiring a held lease by
 *       its owner renews it with the same token; an expired or released lease is free, and its next holder (the
 *       old owner included) gets a strictly greater token; {@code renew} succeeds while the caller's lease is
 *       still the stored one (even if expired, as long as nobody took it), and fails once another owner has
 *       it or it was released;</li>
 *   <li>jobs are listed newest first; cursors never move back;</li>
 *   <li>after {@link Store#close()} (idempotent) every operation throws.</li>
 * </ul>
 * Concurrency tests use a few threads and bounded loops; every test has a 10-minute timeout, a hang guard only
 * (a busy machine can be slow, never that slow).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class StoreConformanceSuite {

    /** The start of {@link #clock} for each test. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** The clock the store under test was opened with; tests advance it. */
    protected MutableClock clock;
    /** The store under test: new and empty for each test. */
    protected Store store;

    /**
     * Opens a new, empty store.
     *
     * @param clock the clock to open it with (it must be used for create/update times and lease expiry)
     * @return the store
     */
    protected abstract Store openStore(Clock clock);

    @BeforeEach
    void openFreshStore() {
        clock = new MutableClock(T0);
        store = openStore(clock);
        assertThat(store).as("openStore must return a store").isNotNull();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ================================================================== helpers (usable by subclasses)

    /** @param name a name @return the experiment with it, created if needed */
    protected Experiment experiment(String name) {
        return store.experiments().getOrCreate(name);
    }

    /**
     * A small complete trace: one CHAIN root span with string inputs and outputs.
     *
     * @param experimentId the experiment
     * @param traceId the id
     * @param requestTime the request time (use millisecond precision)
     * @return the trace
     */
    protected static Trace simpleTrace(String experimentId, String traceId, Instant requestTime) {
        long start = requestTime.toEpochMilli() * 1_000_000L;
        Span root = Span.builder().traceId(traceId).spanId("00000000000000a1").name("root").spanType(SpanTypes.CHAIN)
                .startTimeUnixNano(start).endTimeUnixNano(start + 5_000_000L).status(SpanStatus.OK)
                .inputs(Map.of("question", "q " + traceId)).outputs("a " + traceId).build();
        TraceInfo info = TraceInfo.builder().traceId(traceId).experimentId(experimentId).requestTime(requestTime)
                .executionDurationMs(5L).state(TraceState.OK).build();
        return new Trace(info, List.of(root));
    }

    /**
     * Scorer feedback keyed for {@code upsertScorerFeedback}.
     *
     * @param traceId the trace
     * @param name the feedback name
     * @param scorer the scorer name
     * @param version the scorer version
     * @param value the value
     * @return the assessment (no id)
     */
    protected Assessment scorerFeedback(String traceId, String name, String scorer, int version, Object value) {
        return Assessment.builder().name(name).traceId(traceId).source(AssessmentSource.code(scorer))
                .createTime(clock.instant()).feedback(value)
                .metadata(Assessment.METADATA_SCORER_NAME, scorer)
                .metadata(Assessment.METADATA_SCORER_VERSION, Integer.toString(version)).build();
    }

    static Instant ms(long offsetMs) {
        return T0.plusMillis(offsetMs);
    }

    private List<Trace> scanAll(TraceQuery query, int pageSize) {
        List<Trace> out = new ArrayList<>();
        String token = null;
        for (int pages = 0; pages < 100_000; pages++) {
            TracePage page = store.traces().scan(query, token, pageSize);
            assertThat(page.traces().size()).as("page size").isLessThanOrEqualTo(pageSize);
            out.addAll(page.traces());
            token = page.nextPageToken();
            if (token == null) {
                return out;
            }
        }
        throw new AssertionError("scan did not end after 100000 pages");
    }

    private static List<String> ids(List<Trace> traces) {
        return traces.stream().map(Trace::traceId).toList();
    }

    static ScorerVersion scorerV(String experimentId, String name, int version) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("className", "com.example.scorers.Relevance");
        config.put("threshold", 0.75);
        config.put("labels", List.of("yes", "no"));
        config.put("nested", Map.of("k", 1L, "flag", true));
        return new ScorerVersion(experimentId, name, version, new ScorerDefinition("java", config),
                SamplingConfig.of(0.25, "tags.environment = 'production'"), 1, T0, T0);
    }

    private static void runConcurrently(int threads, ThrowingTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    task.run(id);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(9, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThrowingTask {
        void run(int thread) throws Exception;
    }

    // ================================================================== experiments

    @Test
    void getOrCreate_sameNameTwice_returnsTheSameExperiment() {
        Experiment a = experiment("checkout-bot");
        Experiment b = experiment("checkout-bot");
        assertThat(b).isEqualTo(a);
        assertThat(store.experiments().get(a.experimentId())).contains(a);
        assertThat(store.experiments().findByName("checkout-bot")).contains(a);
        assertThat(store.experiments().findByName("other")).isEmpty();
        assertThat(a.createdAt()).isEqualTo(T0);
    }

    @Test
    void list_severalExperiments_inCreationOrderWithDistinctIds() {
        Experiment a = experiment("a");
        Experiment b = experiment("b ✓ ünïcödé");
        Experiment c = experiment("c");
        assertThat(store.experiments().list()).containsExactly(a, b, c);
        assertThat(Set.of(a.experimentId(), b.experimentId(), c.experimentId())).hasSize(3);
    }

    @Test
    void getOrCreate_concurrentCallers_allGetOneExperiment() throws Exception {
        Set<Experiment> seen = ConcurrentHashMap.newKeySet();
        runConcurrently(6, t -> {
            for (int i = 0; i < 20; i++) {
                seen.add(experiment("shared-" + i));
            }
        });
        assertThat(seen).hasSize(20);
        assertThat(store.experiments().list()).hasSize(20);
    }

    @Test
    void getOrCreate_badName_rejectedAndNothingCreated() {
        assertThatThrownBy(() -> experiment("")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("1–256");
        assertThatThrownBy(() -> experiment("x".repeat(257))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("257");
        assertThatThrownBy(() -> experiment("tab\there")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("control character");
        assertThat(store.experiments().list()).isEmpty();
    }

    // ================================================================== traces: round trips

    @Test
    void put_generatedTraces_roundTripEveryField() {
        String exp = experiment("gen").experimentId();
        List<Trace> traces = new TraceGenerator(42, exp).errorRate(0.3).traces(30);
        store.traces().put(traces);
        for (Trace t : traces) {
            assertThat(store.traces().get(t.traceId())).contains(t);
        }
        assertThat(store.traces().count(exp)).isEqualTo(30);
    }

    @Test
    void put_traceWithEveryFieldSet_roundTripsExactly() {
        String exp = experiment("full").experimentId();
        String id = "tr-0123456789abcdef0123456789abcdef";
        long t0 = ms(1234).toEpochMilli() * 1_000_000L + 987_654L; // sub-millisecond nanos must survive
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("model", "gpt-4o-mini");
        attrs.put("temperature", 0.7);
        attrs.put("max_tokens", 512L);
        attrs.put("stream", false);
        attrs.put("stop", List.of("\n\n", "END"));
        attrs.put("nested", Map.of("a", List.of(1L, 2.5, "x", true), "b", Map.of()));
        attrs.put("nothing", null);
        attrs.put("big", Long.MAX_VALUE);
        Map<String, Object> evAttrs = new LinkedHashMap<>();
        evAttrs.put("exception.type", "ValueError");
        evAttrs.put("exception.message", "bad value");
        evAttrs.put("count", 3L);
        Span root = Span.builder().traceId(id).spanId("1111111111111111").name("agent").spanType(SpanTypes.AGENT)
                .startTimeUnixNano(t0).endTimeUnixNano(t0 + 3_000_000_123L).status(SpanStatus.error("tool failed"))
                .inputs(Map.of("messages", List.of(Map.of("role", "user", "content", "hi")))).outputs(null)
                .attributes(attrs).events(List.of(new SpanEvent("exception", t0 + 17, evAttrs),
                        new SpanEvent("retry", t0 + 18, Map.of())))
                .build();
        Span retriever = Span.builder().traceId(id).spanId("2222222222222222").parentSpanId("1111111111111111")
                .name("retrieve").spanType(SpanTypes.RETRIEVER).startTimeUnixNano(t0 + 1).endTimeUnixNano(t0 + 2)
                .status(SpanStatus.OK).inputs("plain string input")
                .outputs(List.of(Map.of("page_content", "doc", "metadata", Map.of("doc_uri", "s3://b/k"))))
                .build();
        Span custom = Span.builder().traceId(id).spanId("3333333333333333").parentSpanId("1111111111111111")
                .name("").spanType("MY_CUSTOM_TYPE").startTimeUnixNano(t0 + 3).endTimeUnixNano(0)
                .status(SpanStatus.UNSET).inputs(42L).outputs(List.of()).build();
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(exp).requestTime(ms(1234))
                .executionDurationMs(3001L).state(TraceState.ERROR).requestPreview("hi")
                .responsePreview("").clientRequestId("client-req-7")
                .traceMetadata("mlflow.user", "alice").traceMetadata("mlflow.trace.session", "s-1")
                .traceMetadata("empty", "").tag("environment", "production").tag("team", "search")
                .build();
        Trace trace = new Trace(info, List.of(root, retriever, custom));
        store.traces().put(List.of(trace));
        Trace back = store.traces().get(id).orElseThrow();
        assertThat(back.info()).isEqualTo(info);
        assertThat(back.spans()).containsExactlyElementsOf(trace.spans());
        assertThat(back).isEqualTo(trace);
    }

    @Test
    void put_traceWithoutSpansAndOptionalFieldsNull_roundTrips() {
        String exp = experiment("sparse").experimentId();
        TraceInfo info = TraceInfo.builder().traceId("tr-sparse").experimentId(exp).requestTime(ms(0))
                .state(TraceState.IN_PROGRESS).build();
        Trace trace = new Trace(info, List.of());
        store.traces().put(List.of(trace));
        assertThat(store.traces().get("tr-sparse")).contains(trace);
    }

    @Test
    void put_unicodeEmptyAndLargePayloads_roundTrip() {
        String exp = experiment("payloads").experimentId();
        String unicode = "héllo wörld — 你好，世界 — مرحبا بالعالم — 🎉👩‍💻🏳️‍🌈 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 — e\u0301 — \"quotes\" 'single' \\ / \t\n\r";
        StringBuilder mb = new StringBuilder(1 << 20);
        for (int i = 0; mb.length() < (1 << 20); i++) {
            mb.append("chunk ").append(i).append(" ünï ");
        }
        String oneMb = mb.substring(0, 1 << 20);
        String id = "tr-ünïcødé-🎉";
        Span span = Span.builder().traceId(id).spanId("abcdefabcdefabcd").name(unicode).spanType(SpanTypes.LLM)
                .startTimeUnixNano(1).endTimeUnixNano(2).status(new SpanStatus(dev.vigil.spi.model.SpanStatusCode.ERROR, unicode))
                .inputs(Map.of(unicode, unicode, "", "", "emptyList", List.of(), "emptyMap", Map.of()))
                .outputs(oneMb).attribute("u", unicode).attribute("empty", "").build();
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(exp).requestTime(ms(1))
                .requestPreview(unicode).responsePreview(oneMb).tag(unicode, unicode).tag("", "")
                .traceMetadata("k", unicode).build();
        Trace trace = new Trace(info, List.of(span));
        store.traces().put(List.of(trace));
        Trace back = store.traces().get(id).orElseThrow();
        assertThat(back.spans().get(0).outputs()).isEqualTo(oneMb);
        assertThat(back).isEqualTo(trace);
        assertThat(ids(scanAll(TraceQuery.all(exp), 10))).containsExactly(id);
    }

    @Test
    void put_assessmentsInsideTheInfo_areNotWritten() {
        String exp = experiment("e").experimentId();
        Trace t = simpleTrace(exp, "tr-1", ms(0));
        Assessment a = Assessment.builder().name("n").traceId("tr-1").source(AssessmentSource.human("u"))
                .createTime(T0).feedback(true).build();
        store.traces().put(List.of(t.withAssessments(List.of(a))));
        assertThat(store.assessments().listByTrace("tr-1")).isEmpty();
        assertThat(store.traces().get("tr-1")).contains(t);
    }

    @Test
    void get_unknownId_isEmpty() {
        assertThat(store.traces().get("tr-nope")).isEmpty();
    }

    @Test
    void put_existingId_replacesTheTraceAndGivesItANewSequence() {
        String exp = experiment("e").experimentId();
        Trace running = new Trace(simpleTrace(exp, "tr-1", ms(0)).info().toBuilder().state(TraceState.IN_PROGRESS)
                .executionDurationMs(null).build(), List.of());
        store.traces().put(List.of(running, simpleTrace(exp, "tr-2", ms(1))));
        long firstSeq = store.traces().tail(0, 10).get(0).sequence();
        Trace done = simpleTrace(exp, "tr-1", ms(0));
        store.traces().put(List.of(done));
        assertThat(store.traces().get("tr-1")).contains(done);
        assertThat(store.traces().count(exp)).isEqualTo(2);
        List<TailEntry> tail = store.traces().tail(0, 10);
        assertThat(tail).extracting(e -> e.trace().traceId()).containsExactly("tr-2", "tr-1");
        assertThat(tail.get(1).sequence()).isGreaterThan(tail.get(0).sequence()).isGreaterThan(firstSeq);
        assertThat(tail.get(1).trace()).isEqualTo(done);
        assertThat(ids(scanAll(TraceQuery.all(exp), 1))).containsExactly("tr-1", "tr-2");
    }

    @Test
    void put_replacedTraceKeepsItsAssessments() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment a = store.assessments().append(Assessment.builder().name("thumbs").traceId("tr-1")
                .source(AssessmentSource.human("u1")).createTime(T0).feedback(false).build());
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        assertThat(store.traces().get("tr-1").orElseThrow().info().assessments()).containsExactly(a);
    }

    // ================================================================== traces: bad input

    @Test
    void put_batchWithAnUnknownExperiment_writesNothingAndNamesIt() {
        String exp = experiment("e").experimentId();
        Trace good = simpleTrace(exp, "tr-good", ms(0));
        Trace bad = simpleTrace("no-such-experiment", "tr-bad", ms(1));
        assertThatThrownBy(() -> store.traces().put(List.of(good, bad)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no-such-experiment");
        assertThat(store.traces().get("tr-good")).isEmpty();
        assertThat(store.traces().get("tr-bad")).isEmpty();
        assertThat(store.traces().count(exp)).isZero();
        assertThat(store.traces().tail(0, 10)).isEmpty();
    }

    @Test
    void put_batchWithASpanOfAnotherTrace_writesNothing() {
        String exp = experiment("e").experimentId();
        Trace good = simpleTrace(exp, "tr-good", ms(0));
        Trace other = simpleTrace(exp, "tr-other", ms(0));
        Trace mixed = new Trace(simpleTrace(exp, "tr-mixed", ms(0)).info(), other.spans());
        assertThatThrownBy(() -> store.traces().put(List.of(good, mixed)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tr-other");
        assertThat(store.traces().tail(0, 10)).isEmpty();
    }

    @Test
    void put_batchWithANullTrace_writesNothing() {
        String exp = experiment("e").experimentId();
        List<Trace> batch = new ArrayList<>();
        batch.add(simpleTrace(exp, "tr-good", ms(0)));
        batch.add(null);
        assertThatThrownBy(() -> store.traces().put(batch)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("null");
        assertThat(store.traces().get("tr-good")).isEmpty();
    }

    @Test
    void traces_missingIdsOrNegativeTimes_cannotEvenBeBuilt() {
        // the model rejects these before any store sees them; the messages say what is wrong
        assertThatThrownBy(() -> TraceInfo.builder().experimentId("1").requestTime(T0).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("trace id");
        assertThatThrownBy(() -> TraceInfo.builder().traceId("tr-x").requestTime(T0).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("experiment id");
        assertThatThrownBy(() -> TraceInfo.builder().traceId("tr-x").experimentId("1")
                .requestTime(Instant.ofEpochMilli(-1)).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negative request time");
        assertThatThrownBy(() -> Span.builder().traceId("tr-x").spanId("s").startTimeUnixNano(-5).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negative time");
        assertThatThrownBy(() -> Span.builder().traceId("tr-x").name("n").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no span id");
    }

    // ================================================================== traces: scans

    @Test
    void scan_anyPageSize_returnsEveryTraceOnceInTimeThenIdOrder() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            // several traces share a request time: the id breaks the tie
            traces.add(simpleTrace(exp, String.format("tr-%03d", (i * 17) % 37), ms(i / 3)));
        }
        Collections.shuffle(traces, new java.util.Random(7));
        store.traces().put(traces);
        store.traces().put(List.of(simpleTrace(other, "tr-elsewhere", ms(5))));
        List<String> expected = traces.stream()
                .sorted((a, b) -> {
                    int c = a.info().requestTime().compareTo(b.info().requestTime());
                    return c != 0 ? c : a.traceId().compareTo(b.traceId());
                }).map(Trace::traceId).toList();
        for (int size : new int[] {1, 2, 3, 10, 36, 37, 38, 1000}) {
            assertThat(ids(scanAll(TraceQuery.all(exp), size))).as("page size " + size)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void scan_timeRange_includesFromAndExcludesToAtMillisecondPrecision() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(
                simpleTrace(exp, "tr-before", ms(999)),
                simpleTrace(exp, "tr-from", ms(1000)),
                simpleTrace(exp, "tr-inside", ms(1500)),
                simpleTrace(exp, "tr-last", ms(1999)),
                simpleTrace(exp, "tr-to", ms(2000)),
                simpleTrace(exp, "tr-after", ms(2001))));
        TraceQuery q = new TraceQuery(exp, ms(1000), ms(2000), null);
        assertThat(ids(scanAll(q, 2))).containsExactly("tr-from", "tr-inside", "tr-last");
        assertThat(ids(scanAll(new TraceQuery(exp, ms(1000), ms(1000), null), 5))).isEmpty();
        assertThat(ids(scanAll(new TraceQuery(exp, ms(1000), ms(1001), null), 5))).containsExactly("tr-from");
        assertThat(ids(scanAll(new TraceQuery(exp, null, ms(1000), null), 5))).containsExactly("tr-before");
        assertThat(ids(scanAll(new TraceQuery(exp, ms(2000), null, null), 5))).containsExactly("tr-to", "tr-after");
    }

    @Test
    void scan_whileOtherThreadsAppend_seesEveryEarlierTraceExactlyOnce() throws Exception {
        String exp = experiment("e").experimentId();
        List<Trace> before = new TraceGenerator(1, exp, T0, Duration.ofMillis(10)).traces(300);
        store.traces().put(before);
        AtomicBoolean scanning = new AtomicBoolean(true);
        AtomicInteger appended = new AtomicInteger();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        runConcurrently(3, thread -> {
            if (thread == 0) {
                try {
                    String token = null;
                    for (int pages = 0; pages < 10_000; pages++) {
                        TracePage page = store.traces().scan(TraceQuery.all(exp), token, 7);
                        page.traces().forEach(t -> seen.add(t.traceId()));
                        token = page.nextPageToken();
                        if (token == null) {
                            return;
                        }
                    }
                    throw new AssertionError("scan did not end");
                } finally {
                    scanning.set(false);
                }
            }
            // writers: new traces all over the time range, before, among and after the existing ones
            TraceGenerator gen = new TraceGenerator(100 + thread, exp, T0.minusSeconds(1), Duration.ofMillis(13));
            for (int i = 0; i < 400 && scanning.get(); i++) {
                store.traces().put(List.of(gen.next(), gen.next()));
                appended.addAndGet(2);
            }
        });
        assertThat(new HashSet<>(seen)).as("no trace seen twice").hasSize(seen.size());
        assertThat(seen).as("every trace stored before the scan").containsAll(ids(before));
        assertThat(store.traces().count(exp)).isEqualTo(300 + appended.get());
    }

    // ------------------------------------------------------------------ traces: filtered scans

    private static FilterExpr eq(Field field, Object value) {
        return new FilterExpr.Comparison(field, Operator.EQ, List.of(value));
    }

    @Test
    void scan_withFilter_returnsOnlyMatchingTracesInOrderAcrossPages() {
        String exp = experiment("e").experimentId();
        List<Trace> traces = new TraceGenerator(31, exp).errorRate(0.2).agentRate(0.5).traces(120);
        store.traces().put(traces);
        // tags.environment = 'production' AND span.type = 'TOOL'
        FilterExpr filter = new FilterExpr.And(List.of(eq(Field.tag("environment"), "production"),
                eq(new Field(FieldKind.SPAN_TYPE, "type"), SpanTypes.TOOL)));
        List<String> expected = traces.stream()
                .filter(t -> "production".equals(t.info().tags().get("environment"))
                        && !t.spansOfType(SpanTypes.TOOL).isEmpty())
                .map(Trace::traceId).toList();
        assertThat(expected).hasSizeBetween(10, 110);
        for (int size : new int[] {1, 4, 1000}) {
            assertThat(ids(scanAll(new TraceQuery(exp, null, null, filter), size))).as("page size " + size)
                    .containsExactlyElementsOf(expected);
        }
        Instant from = traces.get(30).info().requestTime();
        Instant to = traces.get(90).info().requestTime();
        List<String> inRange = traces.subList(30, 90).stream()
                .filter(t -> "production".equals(t.info().tags().get("environment"))
                        && !t.spansOfType(SpanTypes.TOOL).isEmpty())
                .map(Trace::traceId).toList();
        assertThat(ids(scanAll(new TraceQuery(exp, from, to, filter), 3))).containsExactlyElementsOf(inRange);
    }

    @Test
    void scan_withFeedbackFilter_seesTheStoredAssessments() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0)), simpleTrace(exp, "tr-2", ms(1)),
                simpleTrace(exp, "tr-3", ms(2))));
        store.assessments().upsertScorerFeedback(List.of(scorerFeedback("tr-1", "relevance", "rel", 1, "yes"),
                scorerFeedback("tr-2", "relevance", "rel", 1, "no"),
                scorerFeedback("tr-3", "relevance", "rel", 1, "yes")));
        TraceQuery q = new TraceQuery(exp, null, null, eq(Field.feedback("relevance"), "yes"));
        assertThat(ids(scanAll(q, 1))).containsExactly("tr-1", "tr-3");
        store.assessments().upsertScorerFeedback(List.of(scorerFeedback("tr-1", "relevance", "rel", 1, "no")));
        assertThat(ids(scanAll(q, 1))).containsExactly("tr-3");
    }

    @Test
    void scan_withFilterMatchingNothing_endsWithNoTraces() {
        String exp = experiment("e").experimentId();
        store.traces().put(new TraceGenerator(32, exp).traces(20));
        TraceQuery q = new TraceQuery(exp, null, null, eq(Field.tag("environment"), "nowhere"));
        assertThat(scanAll(q, 3)).isEmpty();
    }

    @Test
    void scan_badPageTokenOrSize_rejected() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0)), simpleTrace(exp, "tr-2", ms(1)),
                simpleTrace(other, "tr-3", ms(0)), simpleTrace(other, "tr-4", ms(1))));
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(exp), "not-a-token!", 10))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(exp), "", 10))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(exp), null, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("0");
        String otherToken = store.traces().scan(TraceQuery.all(other), null, 1).nextPageToken();
        assertThat(otherToken).isNotNull();
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(exp), otherToken, 10))
                .as("a token of another experiment's scan").isInstanceOf(InvalidInputException.class);
    }

    @Test
    void scan_unknownExperiment_rejected() {
        assertThatThrownBy(() -> store.traces().scan(TraceQuery.all("no-such-experiment"), null, 10))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no-such-experiment");
    }

    @Test
    void count_unknownExperiment_isZero() {
        assertThat(store.traces().count("no-such-experiment")).isZero();
    }

    // ================================================================== traces: tail

    @Test
    void tail_returnsArrivalOrderAfterTheCursor() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        // arrival order differs from time order, and spans experiments
        store.traces().put(List.of(simpleTrace(exp, "tr-c", ms(30)), simpleTrace(exp, "tr-a", ms(10))));
        store.traces().put(List.of(simpleTrace(other, "tr-x", ms(0))));
        store.traces().put(List.of(simpleTrace(exp, "tr-b", ms(20))));
        List<TailEntry> all = store.traces().tail(0, 100);
        assertThat(all).extracting(e -> e.trace().traceId()).containsExactly("tr-c", "tr-a", "tr-x", "tr-b");
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).sequence()).isGreaterThan(all.get(i - 1).sequence());
        }
        assertThat(all.get(0).sequence()).isPositive();
        assertThat(store.traces().tail(0, 2)).containsExactlyElementsOf(all.subList(0, 2));
        assertThat(store.traces().tail(all.get(1).sequence(), 100)).containsExactlyElementsOf(all.subList(2, 4));
        assertThat(store.traces().tail(all.get(3).sequence(), 100)).isEmpty();
        store.traces().put(List.of(simpleTrace(exp, "tr-d", ms(5))));
        assertThat(store.traces().tail(all.get(3).sequence(), 100)).extracting(e -> e.trace().traceId())
                .containsExactly("tr-d");
    }

    @Test
    void tail_carriesTheTracesCurrentAssessments() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment a = store.assessments().append(Assessment.builder().name("n").traceId("tr-1")
                .source(AssessmentSource.human("u")).createTime(T0).feedback(1L).build());
        assertThat(store.traces().tail(0, 1).get(0).trace().info().assessments()).containsExactly(a);
    }

    @Test
    void tail_badArguments_rejected() {
        assertThatThrownBy(() -> store.traces().tail(-1, 10)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.traces().tail(0, 0)).isInstanceOf(InvalidInputException.class);
    }

    // ================================================================== assessments

    private List<Assessment> everyKindOfAssessment(String traceId) {
        Instant t = ms(5000);
        Map<String, Object> mapValue = new LinkedHashMap<>();
        mapValue.put("score", 4L);
        mapValue.put("labels", List.of("concise", "polite"));
        mapValue.put("ratio", 0.25);
        mapValue.put("ok", true);
        return List.of(
                Assessment.builder().name("thumbs").traceId(traceId).source(AssessmentSource.human("user-1"))
                        .createTime(t).feedback(true).rationale("helpful").build(),
                Assessment.builder().name("relevance").traceId(traceId).spanId("00000000000000a1")
                        .source(AssessmentSource.llmJudge("openai:/gpt-4o-mini")).createTime(t)
                        .lastUpdateTime(t.plusMillis(7)).feedback("yes").rationale("The answer addresses it.")
                        .metadata(Assessment.METADATA_SCORER_NAME, "relevance")
                        .metadata(Assessment.METADATA_SCORER_VERSION, "3")
                        .metadata("vigil.judge.costUsd", "0.00012").metadata("vigil.judge.tokens", "345").build(),
                Assessment.builder().name("score").traceId(traceId).source(AssessmentSource.code("length"))
                        .createTime(t).feedback(0.875).build(),
                Assessment.builder().name("count").traceId(traceId).source(AssessmentSource.code("count"))
                        .createTime(t).feedback(12L).build(),
                Assessment.builder().name("tags").traceId(traceId).source(AssessmentSource.code("tagger"))
                        .createTime(t).feedback(List.of("a", 1L, false)).build(),
                Assessment.builder().name("rubric").traceId(traceId).source(AssessmentSource.code("rubric"))
                        .createTime(t).feedback(mapValue).build(),
                Assessment.builder().name("safety").traceId(traceId)
                        .source(AssessmentSource.llmJudge("anthropic:/claude")).createTime(t)
                        .error(new AssessmentError("RATE_LIMITED", "429 Too Many Requests", "at x.y(Z.java:1)"))
                        .build(),
                Assessment.builder().name("timeout").traceId(traceId).source(AssessmentSource.code("slow"))
                        .createTime(t).error(AssessmentError.of("TIMEOUT", "took longer than 30s")).build(),
                Assessment.builder().name("expected_response").traceId(traceId)
                        .source(AssessmentSource.human("labeler")).createTime(t)
                        .expectation("Refunds within 30 days — ✓").build(),
                Assessment.builder().name("expected_facts").traceId(traceId)
                        .source(AssessmentSource.human("labeler")).createTime(t)
                        .expectation(List.of("fact one", "fact two")).build(),
                Assessment.builder().name("guidelines").traceId(traceId).source(AssessmentSource.human("labeler"))
                        .createTime(t).expectation(Map.of("tone", "formal", "max_words", 120L)).build(),
                Assessment.builder().name("thumbs").traceId(traceId).source(AssessmentSource.human("user-2"))
                        .createTime(t.plusMillis(1)).feedback(false).overrides("a-previous").valid(false)
                        .metadata("comment", "").build());
    }

    @Test
    void append_everyKindOfAssessment_roundTripsInCreationOrder() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        List<Assessment> written = new ArrayList<>();
        for (Assessment a : everyKindOfAssessment("tr-1")) {
            Assessment stored = store.assessments().append(a);
            assertThat(stored.assessmentId()).isNotBlank();
            assertThat(stored).isEqualTo(a.toBuilder().assessmentId(stored.assessmentId()).build());
            written.add(stored);
        }
        assertThat(written).extracting(Assessment::assessmentId).doesNotHaveDuplicates();
        assertThat(store.assessments().listByTrace("tr-1")).containsExactlyElementsOf(written);
        assertThat(store.traces().get("tr-1").orElseThrow().info().assessments()).containsExactlyElementsOf(written);
        assertThat(store.assessments().listByTrace("tr-other")).isEmpty();
    }

    @Test
    void append_givenIdKeptButAnIdAlreadyStoredRejected() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment a = Assessment.builder().assessmentId("a-fixed").name("n").traceId("tr-1")
                .source(AssessmentSource.human("u")).createTime(T0).feedback(1L).build();
        assertThat(store.assessments().append(a)).isEqualTo(a);
        assertThatThrownBy(() -> store.assessments().append(a.toBuilder().feedback(2L).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("a-fixed");
        assertThat(store.assessments().listByTrace("tr-1")).containsExactly(a);
    }

    @Test
    void append_unknownTrace_rejectedAndNothingWritten() {
        Assessment a = Assessment.builder().name("n").traceId("tr-missing").source(AssessmentSource.human("u"))
                .createTime(T0).feedback(true).build();
        assertThatThrownBy(() -> store.assessments().append(a)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tr-missing");
        assertThat(store.assessments().listByTrace("tr-missing")).isEmpty();
    }

    @Test
    void upsert_sameKeyAgain_replacesKeepingIdCreateTimeAndPlace() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment human = store.assessments().append(Assessment.builder().name("thumbs").traceId("tr-1")
                .source(AssessmentSource.human("u")).createTime(T0).feedback(true).build());
        Assessment first = store.assessments().upsertScorerFeedback(
                List.of(scorerFeedback("tr-1", "relevance", "rel", 1, "no"))).get(0);
        Assessment other = store.assessments().upsertScorerFeedback(
                List.of(scorerFeedback("tr-1", "safety", "safe", 1, "yes"))).get(0);
        clock.advance(Duration.ofMinutes(5));
        Assessment retry = scorerFeedback("tr-1", "relevance", "rel", 1, "yes").toBuilder()
                .rationale("second try").build();
        Assessment second = store.assessments().upsertScorerFeedback(List.of(retry)).get(0);
        assertThat(second.assessmentId()).isEqualTo(first.assessmentId());
        assertThat(second.createTime()).isEqualTo(first.createTime());
        assertThat(second.lastUpdateTime()).isEqualTo(retry.lastUpdateTime());
        assertThat(second.feedback().value()).isEqualTo("yes");
        assertThat(second.rationale()).isEqualTo("second try");
        assertThat(store.assessments().listByTrace("tr-1")).containsExactly(human, second, other);
    }

    @Test
    void upsert_otherScorerVersionOrName_addsAnotherAssessment() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        List<Assessment> stored = store.assessments().upsertScorerFeedback(List.of(
                scorerFeedback("tr-1", "relevance", "rel", 1, "no"),
                scorerFeedback("tr-1", "relevance", "rel", 2, "yes"),
                scorerFeedback("tr-1", "relevance", "rel2", 1, "yes"),
                scorerFeedback("tr-1", "relevance_v2", "rel", 1, "yes")));
        assertThat(stored).extracting(Assessment::assessmentId).doesNotHaveDuplicates().hasSize(4);
        assertThat(store.assessments().listByTrace("tr-1")).containsExactlyElementsOf(stored);
    }

    @Test
    void upsert_sameKeyTwiceInOneBatch_leavesOneWithTheLastValue() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        List<Assessment> stored = store.assessments().upsertScorerFeedback(List.of(
                scorerFeedback("tr-1", "relevance", "rel", 1, "no"),
                scorerFeedback("tr-1", "relevance", "rel", 1, "yes")));
        assertThat(stored).hasSize(2);
        assertThat(stored.get(1).assessmentId()).isEqualTo(stored.get(0).assessmentId());
        assertThat(store.assessments().listByTrace("tr-1")).containsExactly(stored.get(1));
    }

    @Test
    void upsert_concurrentWritersOfTheSameKeys_neverDuplicate() throws Exception {
        String exp = experiment("e").experimentId();
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            traces.add(simpleTrace(exp, "tr-" + i, ms(i)));
        }
        store.traces().put(traces);
        runConcurrently(6, thread -> {
            for (int round = 0; round < 5; round++) {
                List<Assessment> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(scorerFeedback("tr-" + i, "relevance", "rel", 1, (long) thread));
                    batch.add(scorerFeedback("tr-" + i, "safety", "safe", 2, "t" + thread));
                }
                store.assessments().upsertScorerFeedback(batch);
            }
        });
        for (int i = 0; i < 20; i++) {
            List<Assessment> as = store.assessments().listByTrace("tr-" + i);
            assertThat(as).extracting(Assessment::name).containsExactlyInAnyOrder("relevance", "safety");
        }
    }

    @Test
    void upsert_withoutScorerMetadata_rejectedAndNothingWritten() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        Assessment good = scorerFeedback("tr-1", "relevance", "rel", 1, "yes");
        Assessment noMeta = Assessment.builder().name("x").traceId("tr-1").source(AssessmentSource.code("c"))
                .createTime(T0).feedback(1L).build();
        assertThatThrownBy(() -> store.assessments().upsertScorerFeedback(List.of(good, noMeta)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(Assessment.METADATA_SCORER_NAME);
        Assessment badVersion = good.toBuilder().metadata(Assessment.METADATA_SCORER_VERSION, "one").build();
        assertThatThrownBy(() -> store.assessments().upsertScorerFeedback(List.of(good, badVersion)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("one");
        assertThat(store.assessments().listByTrace("tr-1")).isEmpty();
    }

    @Test
    void upsert_batchWithAnUnknownTrace_writesNothing() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0))));
        assertThatThrownBy(() -> store.assessments().upsertScorerFeedback(List.of(
                scorerFeedback("tr-1", "relevance", "rel", 1, "yes"),
                scorerFeedback("tr-missing", "relevance", "rel", 1, "yes"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tr-missing");
        assertThat(store.assessments().listByTrace("tr-1")).isEmpty();
        assertThat(store.assessments().tracesScoredBy("rel", 1, List.of("tr-1", "tr-missing"))).isEmpty();
    }

    @Test
    void valuesByScorer_returnsThatScorersFeedbackInTheTimeRangeByTraceTime() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-late", ms(300)), simpleTrace(exp, "tr-early", ms(100)),
                simpleTrace(exp, "tr-edge", ms(400)), simpleTrace(exp, "tr-before", ms(99)),
                simpleTrace(other, "tr-other", ms(200))));
        store.assessments().upsertScorerFeedback(List.of(
                scorerFeedback("tr-late", "relevance", "rel", 1, 0.5),
                scorerFeedback("tr-early", "relevance", "rel", 2, 1.0),
                scorerFeedback("tr-early", "safety", "safe", 1, true),
                scorerFeedback("tr-edge", "relevance", "rel", 1, 0.0),
                scorerFeedback("tr-before", "relevance", "rel", 1, 0.1),
                scorerFeedback("tr-other", "relevance", "rel", 1, 0.2)));
        store.assessments().append(Assessment.builder().name("relevance").traceId("tr-late")
                .source(AssessmentSource.human("u")).createTime(T0).expectation("not feedback")
                .metadata(Assessment.METADATA_SCORER_NAME, "rel").build());
        List<ScoredValue> values = store.assessments().valuesByScorer(exp, "rel", ms(100), ms(400));
        assertThat(values).extracting(v -> v.assessment().traceId()).containsExactly("tr-early", "tr-late");
        assertThat(values).extracting(ScoredValue::traceTime).containsExactly(ms(100), ms(300));
        assertThat(values).extracting(v -> v.assessment().feedback().value()).containsExactly(1.0, 0.5);
        assertThat(store.assessments().valuesByScorer(exp, "nobody", ms(0), ms(1000))).isEmpty();
        assertThat(store.assessments().valuesByScorer(exp, "rel", ms(100), ms(100))).isEmpty();
        assertThat(store.assessments().valuesByScorer("no-such-experiment", "rel", ms(0), ms(1000))).isEmpty();
    }

    @Test
    void tracesScoredBy_returnsOnlyTracesWithThatScorerVersion() {
        String exp = experiment("e").experimentId();
        store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0)), simpleTrace(exp, "tr-2", ms(1)),
                simpleTrace(exp, "tr-3", ms(2))));
        store.assessments().upsertScorerFeedback(List.of(scorerFeedback("tr-1", "relevance", "rel", 1, "yes"),
                scorerFeedback("tr-2", "relevance", "rel", 2, "yes")));
        assertThat(store.assessments().tracesScoredBy("rel", 1, List.of("tr-1", "tr-2", "tr-3", "tr-x")))
                .containsExactly("tr-1");
        assertThat(store.assessments().tracesScoredBy("rel", 2, List.of("tr-1", "tr-2"))).containsExactly("tr-2");
        assertThat(store.assessments().tracesScoredBy("other", 1, List.of("tr-1"))).isEmpty();
        assertThat(store.assessments().tracesScoredBy("rel", 1, List.of())).isEmpty();
    }

    // ================================================================== scorers

    @Test
    void scorerCreate_thenRead_roundTripsEveryField() {
        String exp = experiment("e").experimentId();
        ScorerVersion v1 = scorerV(exp, "relevance ✓", 1);
        assertThat(store.scorers().create(v1)).isEqualTo(v1);
        assertThat(store.scorers().get(exp, "relevance ✓", 1)).contains(v1);
        assertThat(store.scorers().latest(exp, "relevance ✓")).contains(v1);
        assertThat(store.scorers().get(exp, "relevance ✓", 2)).isEmpty();
        assertThat(store.scorers().latest(exp, "nope")).isEmpty();
        ScorerVersion stopped = new ScorerVersion(exp, "plain", 1, new ScorerDefinition("python", Map.of()),
                SamplingConfig.STOPPED, 1, T0, T0);
        store.scorers().create(stopped);
        assertThat(store.scorers().get(exp, "plain", 1)).contains(stopped);
    }

    @Test
    void scorerCreate_versionsInOrder_listedByNameThenVersion() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        ScorerVersion b1 = store.scorers().create(scorerV(exp, "b", 1));
        ScorerVersion a1 = store.scorers().create(scorerV(exp, "a", 1));
        ScorerVersion b2 = store.scorers().create(scorerV(exp, "b", 2));
        store.scorers().create(scorerV(other, "a", 1));
        assertThat(store.scorers().list(exp)).containsExactly(a1, b1, b2);
        assertThat(store.scorers().latest(exp, "b")).contains(b2);
    }

    @Test
    void scorerCreate_existingVersion_isAStaleWrite() {
        String exp = experiment("e").experimentId();
        ScorerVersion v1 = store.scorers().create(scorerV(exp, "s", 1));
        ScorerVersion again = new ScorerVersion(exp, "s", 1, new ScorerDefinition("java", Map.of("x", 1L)),
                SamplingConfig.of(1.0), 1, T0, T0);
        assertThatThrownBy(() -> store.scorers().create(again)).isInstanceOf(StaleWriteException.class)
                .hasMessageContaining("'s'");
        assertThat(store.scorers().get(exp, "s", 1)).contains(v1);
    }

    @Test
    void scorerCreate_skippedVersionUnknownExperimentOrBadRevision_rejected() {
        String exp = experiment("e").experimentId();
        assertThatThrownBy(() -> store.scorers().create(scorerV(exp, "s", 2)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("2");
        assertThatThrownBy(() -> store.scorers().create(scorerV("no-such-experiment", "s", 1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no-such-experiment");
        ScorerVersion rev2 = new ScorerVersion(exp, "s", 1, new ScorerDefinition("java", Map.of()),
                SamplingConfig.of(1.0), 2, T0, T0);
        assertThatThrownBy(() -> store.scorers().create(rev2)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("revision");
        assertThat(store.scorers().list(exp)).isEmpty();
    }

    @Test
    void scorerCreate_concurrentCreatorsOfTheSameVersion_exactlyOneWins() throws Exception {
        String exp = experiment("e").experimentId();
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger stale = new AtomicInteger();
        runConcurrently(4, thread -> {
            try {
                store.scorers().create(scorerV(exp, "race", 1));
                wins.incrementAndGet();
            } catch (StaleWriteException e) {
                stale.incrementAndGet();
            }
        });
        assertThat(wins.get()).isEqualTo(1);
        assertThat(stale.get()).isEqualTo(3);
        assertThat(store.scorers().list(exp)).hasSize(1);
    }

    @Test
    void scorerUpdate_nextRevision_appliedAndStaleOneRejected() {
        String exp = experiment("e").experimentId();
        ScorerVersion v1 = store.scorers().create(scorerV(exp, "s", 1));
        clock.advance(Duration.ofSeconds(30));
        ScorerVersion started = v1.withSampling(SamplingConfig.of(0.5, null), clock.instant());
        assertThat(store.scorers().update(started)).isEqualTo(started);
        assertThat(store.scorers().get(exp, "s", 1)).contains(started);
        ScorerVersion staleWrite = v1.withSampling(SamplingConfig.of(0.9), clock.instant());
        assertThatThrownBy(() -> store.scorers().update(staleWrite)).isInstanceOf(StaleWriteException.class)
                .hasMessageContaining("revision");
        assertThat(store.scorers().get(exp, "s", 1)).contains(started);
        ScorerVersion skipped = started.withSampling(SamplingConfig.of(0.1), T0).withSampling(SamplingConfig.of(0.2), T0);
        assertThatThrownBy(() -> store.scorers().update(skipped)).isInstanceOf(StaleWriteException.class);
        assertThat(store.scorers().get(exp, "s", 1)).contains(started);
    }

    @Test
    void scorerUpdate_concurrentWritersFromOneRevision_exactlyOneApplied() throws Exception {
        String exp = experiment("e").experimentId();
        ScorerVersion v1 = store.scorers().create(scorerV(exp, "s", 1));
        Map<Integer, Boolean> applied = new ConcurrentHashMap<>();
        runConcurrently(4, thread -> {
            try {
                store.scorers().update(v1.withSampling(SamplingConfig.of(0.1 * (thread + 1)), T0));
                applied.put(thread, true);
            } catch (StaleWriteException e) {
                applied.put(thread, false);
            }
        });
        assertThat(applied.values()).containsOnlyOnce(true);
        int winner = applied.entrySet().stream().filter(Map.Entry::getValue).findFirst().orElseThrow().getKey();
        ScorerVersion stored = store.scorers().get(exp, "s", 1).orElseThrow();
        assertThat(stored.revision()).isEqualTo(2);
        assertThat(stored.sampling().sampleRate()).isEqualTo(0.1 * (winner + 1));
    }

    @Test
    void scorerUpdate_missingVersion_notFound() {
        String exp = experiment("e").experimentId();
        assertThatThrownBy(() -> store.scorers().update(scorerV(exp, "ghost", 1).withSampling(SamplingConfig.of(1), T0)))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("ghost");
    }

    @Test
    void scorerDelete_oneVersionOrAll() {
        String exp = experiment("e").experimentId();
        store.scorers().create(scorerV(exp, "s", 1));
        ScorerVersion v2 = store.scorers().create(scorerV(exp, "s", 2));
        store.scorers().create(scorerV(exp, "t", 1));
        assertThat(store.scorers().delete(exp, "s", 1)).isTrue();
        assertThat(store.scorers().delete(exp, "s", 1)).isFalse();
        assertThat(store.scorers().get(exp, "s", 1)).isEmpty();
        assertThat(store.scorers().latest(exp, "s")).contains(v2);
        assertThat(store.scorers().delete(exp, "t")).isEqualTo(1);
        assertThat(store.scorers().delete(exp, "t")).isZero();
        assertThat(store.scorers().list(exp)).containsExactly(v2);
        assertThat(store.scorers().delete(exp, "s")).isEqualTo(1);
        assertThat(store.scorers().list(exp)).isEmpty();
        assertThat(store.scorers().create(scorerV(exp, "s", 1)).version()).as("a deleted name starts over").isEqualTo(1);
    }

    // ================================================================== jobs

    Job job(String exp, String id, Instant created) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scorers", List.of("relevance", "safety"));
        spec.put("from", "2026-01-01T00:00:00Z");
        spec.put("rate", 0.5);
        spec.put("limit", 1000L);
        return new Job(id, exp, "backfill", spec, JobStatus.PENDING, Map.of(), null, null, 1, created, created);
    }

    @Test
    void jobCreateAndUpdate_roundTripEveryField() {
        String exp = experiment("e").experimentId();
        Job j = job(exp, "job-1", T0);
        assertThat(store.jobs().create(j)).isEqualTo(j);
        assertThat(store.jobs().get("job-1")).contains(j);
        Map<String, Long> progress = new LinkedHashMap<>();
        progress.put("scanned", 120L);
        progress.put("scored", 100L);
        progress.put("failed", 2L);
        Job running = j.next(JobStatus.RUNNING, progress, "{\"after\":\"tr-0120\"}", "running ✓", ms(60_000));
        assertThat(store.jobs().update(running)).isEqualTo(running);
        assertThat(store.jobs().get("job-1")).contains(running);
        Job failed = running.next(JobStatus.FAILED, progress, null, "x".repeat(10_000), ms(61_000));
        store.jobs().update(failed);
        assertThat(store.jobs().get("job-1")).contains(failed);
        assertThat(store.jobs().get("job-nope")).isEmpty();
    }

    @Test
    void jobCreate_existingIdStale_unknownExperimentOrBadRevisionRejected() {
        String exp = experiment("e").experimentId();
        Job j = store.jobs().create(job(exp, "job-1", T0));
        assertThatThrownBy(() -> store.jobs().create(job(exp, "job-1", ms(5))))
                .isInstanceOf(StaleWriteException.class).hasMessageContaining("job-1");
        assertThatThrownBy(() -> store.jobs().create(job("no-such-experiment", "job-2", T0)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no-such-experiment");
        Job rev2 = new Job("job-3", exp, "backfill", Map.of(), JobStatus.PENDING, Map.of(), null, null, 2, T0, T0);
        assertThatThrownBy(() -> store.jobs().create(rev2)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("revision");
        assertThat(store.jobs().list(exp)).containsExactly(j);
        assertThat(store.jobs().get("job-2")).isEmpty();
    }

    @Test
    void jobUpdate_staleRevisionRejectedAndMissingJobNotFound() {
        String exp = experiment("e").experimentId();
        Job j = store.jobs().create(job(exp, "job-1", T0));
        Job a = store.jobs().update(j.next(JobStatus.RUNNING, Map.of("scanned", 1L), "c1", null, ms(1)));
        assertThatThrownBy(() -> store.jobs().update(j.next(JobStatus.CANCELLED, Map.of(), null, "stop", ms(2))))
                .isInstanceOf(StaleWriteException.class).hasMessageContaining("job-1");
        assertThat(store.jobs().get("job-1")).contains(a);
        Job ghost = job(exp, "job-ghost", T0).next(JobStatus.RUNNING, Map.of(), null, null, ms(1));
        assertThatThrownBy(() -> store.jobs().update(ghost)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("job-ghost");
    }

    @Test
    void jobList_newestFirstPerExperiment() {
        String exp = experiment("e").experimentId();
        String other = experiment("other").experimentId();
        Job old = store.jobs().create(job(exp, "job-old", ms(0)));
        Job newest = store.jobs().create(job(exp, "job-new", ms(2000)));
        Job middle = store.jobs().create(job(exp, "job-mid", ms(1000)));
        store.jobs().create(job(other, "job-other", ms(5000)));
        assertThat(store.jobs().list(exp)).containsExactly(newest, middle, old);
        assertThat(store.jobs().list("no-such-experiment")).isEmpty();
    }

    // ================================================================== cursors

    @Test
    void cursor_onlyMovesForward() {
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.empty());
        store.jobs().saveCursor("engine.tail", 10);
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.of(10));
        store.jobs().saveCursor("engine.tail", 5);
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.of(10));
        store.jobs().saveCursor("engine.tail", 11);
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.of(11));
        store.jobs().saveCursor("other ✓", 0);
        assertThat(store.jobs().cursor("other ✓")).isEqualTo(OptionalLong.of(0));
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.of(11));
        assertThatThrownBy(() -> store.jobs().saveCursor("engine.tail", -1)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void cursor_concurrentSavers_keepTheHighest() throws Exception {
        runConcurrently(4, thread -> {
            for (int i = 0; i < 500; i++) {
                store.jobs().saveCursor("c", thread * 1000L + i);
            }
        });
        assertThat(store.jobs().cursor("c")).isEqualTo(OptionalLong.of(3499));
    }

    // ================================================================== leases

    @Test
    void lease_heldByOneOwner_isExclusiveUntilItExpires() {
        Duration ttl = Duration.ofSeconds(30);
        Lease a = store.jobs().tryAcquire("partition-0", "engine-a", ttl).orElseThrow();
        assertThat(a.owner()).isEqualTo("engine-a");
        assertThat(a.resource()).isEqualTo("partition-0");
        assertThat(a.expiresAt()).isEqualTo(T0.plus(ttl));
        assertThat(store.jobs().tryAcquire("partition-0", "engine-b", ttl)).isEmpty();
        assertThat(store.jobs().tryAcquire("partition-1", "engine-b", ttl)).isPresent();
        clock.advance(Duration.ofSeconds(29));
        assertThat(store.jobs().tryAcquire("partition-0", "engine-b", ttl)).as("1 s before expiry").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        Lease b = store.jobs().tryAcquire("partition-0", "engine-b", ttl).orElseThrow();
        assertThat(b.owner()).isEqualTo("engine-b");
        assertThat(b.token()).as("a new holder gets a greater fencing token").isGreaterThan(a.token());
        assertThat(b.expiresAt()).isEqualTo(clock.instant().plus(ttl));
        assertThat(store.jobs().tryAcquire("partition-0", "engine-a", ttl)).isEmpty();
    }

    @Test
    void lease_reacquiredByItsOwner_isRenewedWithTheSameToken() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        clock.advance(Duration.ofSeconds(5));
        Lease again = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        assertThat(again.token()).isEqualTo(a.token());
        assertThat(again.expiresAt()).isEqualTo(T0.plusSeconds(15));
    }

    @Test
    void lease_renewedBeforeExpiry_staysWithItsHolder() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(8));
            a = store.jobs().renew(a, Duration.ofSeconds(10)).orElseThrow();
            assertThat(a.expiresAt()).isEqualTo(clock.instant().plusSeconds(10));
            assertThat(store.jobs().tryAcquire("r", "engine-b", Duration.ofSeconds(10))).isEmpty();
        }
    }

    @Test
    void lease_expiredAndTakenOver_cannotBeRenewedByTheOldHolder() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        clock.advance(Duration.ofSeconds(11));
        Lease b = store.jobs().tryAcquire("r", "engine-b", Duration.ofSeconds(10)).orElseThrow();
        assertThat(store.jobs().renew(a, Duration.ofSeconds(10))).isEmpty();
        store.jobs().release(a); // no effect: a is not the holder
        assertThat(store.jobs().tryAcquire("r", "engine-c", Duration.ofSeconds(10))).isEmpty();
        assertThat(store.jobs().renew(b, Duration.ofSeconds(10))).isPresent();
    }

    @Test
    void lease_expiredButNotTaken_canStillBeRenewedByItsHolder() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofSeconds(10)).orElseThrow();
        clock.advance(Duration.ofSeconds(20));
        Lease renewed = store.jobs().renew(a, Duration.ofSeconds(10)).orElseThrow();
        assertThat(renewed.token()).isEqualTo(a.token());
        assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plusSeconds(10));
    }

    @Test
    void lease_released_isFreeAndTheNextHolderGetsAGreaterToken() {
        Lease a = store.jobs().tryAcquire("r", "engine-a", Duration.ofMinutes(10)).orElseThrow();
        store.jobs().release(a);
        assertThat(store.jobs().renew(a, Duration.ofSeconds(10))).isEmpty();
        Lease b = store.jobs().tryAcquire("r", "engine-b", Duration.ofMinutes(10)).orElseThrow();
        assertThat(b.token()).isGreaterThan(a.token());
        store.jobs().release(b);
        Lease a2 = store.jobs().tryAcquire("r", "engine-a", Duration.ofMinutes(10)).orElseThrow();
        assertThat(a2.token()).isGreaterThan(b.token());
    }

    @Test
    void lease_concurrentAcquirers_exactlyOneWins() throws Exception {
        Map<Integer, Optional<Lease>> results = new ConcurrentHashMap<>();
        runConcurrently(6, thread -> results.put(thread,
                store.jobs().tryAcquire("contended", "engine-" + thread, Duration.ofMinutes(1))));
        assertThat(results.values().stream().filter(Optional::isPresent).count()).isEqualTo(1);
    }

    @Test
    void lease_badArguments_rejected() {
        assertThatThrownBy(() -> store.jobs().tryAcquire("r", "o", Duration.ZERO)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.jobs().tryAcquire("r", "o", Duration.ofSeconds(-1))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.jobs().tryAcquire("", "o", Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store.jobs().tryAcquire("r", "", Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class);
        assertThat(store.jobs().tryAcquire("r", "o", Duration.ofSeconds(1))).isPresent();
    }

    // ================================================================== lifecycle

    @Test
    void close_isIdempotentAndLaterOperationsFail() {
        String exp = experiment("e").experimentId();
        store.close();
        store.close();
        assertThatThrownBy(() -> store.traces().put(List.of(simpleTrace(exp, "tr-1", ms(0)))))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> store.experiments().list()).isInstanceOf(RuntimeException.class);
    }

    @Test
    void describe_namesTheStore() {
        assertThat(store.describe()).isNotBlank();
    }

}
