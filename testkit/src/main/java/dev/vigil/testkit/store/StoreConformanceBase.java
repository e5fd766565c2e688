package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The helpers the store conformance suites by concern share, over {@link StoreSuiteBase}'s setup (a new, empty store
 * for each test, opened with a fresh {@link dev.vigil.testkit.MutableClock} starting at {@link #T0}). The suites
 * extend it in a chain ({@link TraceWriteConformance}, {@link TraceReadConformance}, {@link AssessmentConformance},
 * {@link ScorerJobConformance}) ending in {@link StoreConformanceSuite}, which a backend extends to run them all; a
 * new suite for another part of the contract may extend this class directly.
 */
public abstract class StoreConformanceBase extends StoreSuiteBase {

    /** The start of {@link #clock} for each test. */
    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Opens each test's store at {@link #T0}. */
    protected StoreConformanceBase() {
        super(T0);
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

    List<Trace> scanAll(TraceQuery query, int pageSize) {
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

    static List<String> ids(List<Trace> traces) {
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

    static void runConcurrently(int threads, ThrowingTask task) throws Exception {
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
    interface ThrowingTask {
        void run(int thread) throws Exception;
    }
}
