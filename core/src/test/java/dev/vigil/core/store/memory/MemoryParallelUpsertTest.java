package dev.vigil.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Feedback upserts of the {@code memory:} store run side by side (under the shared lock, each trace's part under
 * that trace's monitor): what the conformance suite checks one writer at a time also holds for many at once.
 */
class MemoryParallelUpsertTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private Store store;
    private String exp;
    private ExecutorService pool;

    @BeforeEach
    void open() {
        store = Stores.open("memory:");
        exp = store.experiments().getOrCreate("e").experimentId();
        pool = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        store.close();
    }

    @Test
    void parallelBatches_ofOwnAndSharedTraces_keepOneAssessmentPerKeyAndExactRollups() throws Exception {
        int threads = 4;
        int perThread = 40;
        List<Trace> traces = new ArrayList<>();
        traces.add(trace("shared"));
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                traces.add(trace("t" + t + "-" + i));
            }
        }
        store.traces().put(traces);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int round = 0; round < 10; round++) {
                    List<Assessment> batch = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        for (String scorer : List.of("a", "b", "c")) {
                            batch.add(feedback("t" + thread + "-" + i, scorer, round % 2 == 1));
                        }
                        if (i % 10 == 0) {
                            batch.add(feedback("shared", "a", round % 2 == 1));
                        }
                    }
                    store.assessments().upsertScorerFeedback(batch);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(5, TimeUnit.MINUTES);
        }
        Set<String> ids = new HashSet<>();
        for (Trace t : traces) {
            List<Assessment> as = store.assessments().listByTrace(t.traceId());
            List<String> expected = t.traceId().equals("shared") ? List.of("a") : List.of("a", "b", "c");
            assertThat(as).extracting(Assessment::name).containsExactlyElementsOf(expected);
            as.forEach(a -> assertThat(ids.add(a.assessmentId())).as("unique id %s", a.assessmentId()).isTrue());
        }
        for (String scorer : List.of("a", "b", "c")) {
            List<Rollup> rows = store.rollups().hourly(exp, scorer, T0, T0.plusSeconds(3600));
            long expected = threads * perThread + (scorer.equals("a") ? 1 : 0);
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).count()).isEqualTo(expected);
            assertThat(rows.get(0).passed()).as("the last round's values, all true").isEqualTo(expected);
            assertThat(store.assessments().tracesScoredBy(scorer, 1,
                    traces.stream().map(Trace::traceId).toList())).hasSize((int) expected);
        }
    }

    @Test
    void aReader_seesATracesPartOfABatchWholeOrNotAtAll() throws Exception {
        store.traces().put(List.of(trace("x"), trace("y")));
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(2);
        Future<?> writer = pool.submit(() -> {
            start.countDown();
            start.await();
            try {
                for (int k = 1; k <= 3000; k++) {
                    // trace x's two items are not next to each other in the batch
                    store.assessments().upsertScorerFeedback(List.of(
                            feedback("x", "a", (long) k), feedback("y", "a", (long) k), feedback("x", "b", (long) k)));
                }
            } finally {
                writing.set(false);
            }
            return null;
        });
        Future<Integer> reader = pool.submit(() -> {
            start.countDown();
            start.await();
            int seen = 0;
            while (writing.get()) {
                List<Assessment> as = store.assessments().listByTrace("x");
                if (!as.isEmpty()) {
                    assertThat(as).hasSize(2);
                    assertThat(as.get(0).feedback().value()).isEqualTo(as.get(1).feedback().value());
                    seen++;
                }
            }
            return seen;
        });
        writer.get(5, TimeUnit.MINUTES);
        reader.get(5, TimeUnit.MINUTES); // rethrows what the reader's assertions found
        List<Assessment> last = store.assessments().listByTrace("x");
        assertThat(last).extracting(a -> a.feedback().value()).containsExactly(3000L, 3000L);
    }

    private Trace trace(String traceId) {
        long start = T0.toEpochMilli() * 1_000_000L;
        Span root = Span.builder().traceId(traceId).spanId("00000000000000a1").name("root").spanType(SpanTypes.CHAIN)
                .startTimeUnixNano(start).endTimeUnixNano(start + 5_000_000L).status(SpanStatus.OK)
                .inputs(Map.of("question", "q")).outputs("a").build();
        return new Trace(TraceInfo.builder().traceId(traceId).experimentId(exp).requestTime(T0)
                .executionDurationMs(5L).state(TraceState.OK).build(), List.of(root));
    }

    private Assessment feedback(String traceId, String scorer, Object value) {
        return Assessment.builder().name(scorer).traceId(traceId).source(AssessmentSource.code(scorer))
                .createTime(T0).feedback(value)
                .metadata(Assessment.METADATA_SCORER_NAME, scorer)
                .metadata(Assessment.METADATA_SCORER_VERSION, "1").build();
    }
}
