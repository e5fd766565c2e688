package dev.vigil.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The late-span rules end to end, through the assembler and the monitoring engine, on the memory, H2 and file
 * stores: under RESCORE a late span makes the trace a new revision that is scored once, the earlier assessment
 * stays as history (not valid, overridden), a duplicate late batch scores nothing more, and a restarted engine does
 * not score a revision again; KEEP and DROP never score a trace twice.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LateSpanRescoreTest {

    private static final String TRACE = "5b8efff798038103d269b633813fc60c";
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.atDefaultStart();
    private final OtlpDecoder decoder = new OtlpDecoder(Long.MAX_VALUE);
    /** Scorer runs per trace id. */
    private final Map<String, Integer> runs = new ConcurrentHashMap<>();
    private int barriers;

    private Store open(String kind) {
        return switch (kind) {
            case "memory" -> Stores.open("memory:");
            case "h2" -> Stores.open("jdbc:h2:file:" + dir.resolve("vigil") + ";DB_CLOSE_ON_EXIT=FALSE");
            case "fs" -> Stores.open("fs:" + dir.resolve("fs"));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Scores the trace's span count, counting its runs. */
    private final dev.vigil.spi.scorer.Scorer spans = Scorers.code("spans", in -> {
        runs.merge(in.trace().traceId(), 1, Integer::sum);
        return in.trace().spans().size();
    });

    /**
     * An engine on the store running the scorer 'spans' (this process's instance of it).
     *
     * @param first true to register and start it, false to attach to the version already started
     */
    private Vigil engine(Store store, boolean first) {
        Vigil vigil = Vigil.builder().store(store).pollInterval(Duration.ofMillis(20)).build();
        var registered = vigil.experiment("shop").scorers().registerOrGet(spans);
        if (first) {
            registered.start(SamplingConfig.of(1.0));
        }
        vigil.startMonitoring();
        return vigil;
    }

    private int runsOf(String traceId) {
        return runs.getOrDefault(traceId, 0);
    }

    private static int value(Assessment a) {
        return ((Number) a.feedback().value()).intValue();
    }

    private OtlpIngest ingest(Store store, TraceAssembler.LateSpanRule rule) {
        return new OtlpIngest(decoder, new ExperimentRouter(store, "service.name"),
                TraceAssembler.builder(store).clock(clock).lateSpanRule(rule).build());
    }

    private static byte[] root() {
        return OtlpDecoderTest.request("shop", OtlpDecoderTest.span(TRACE, "00000000000000a1", null).build())
                .toByteArray();
    }

    private static byte[] lateChild() {
        return OtlpDecoderTest.request("shop",
                OtlpDecoderTest.span(TRACE, "00000000000000b2", "00000000000000a1").build()).toByteArray();
    }

    private void send(OtlpIngest in, byte[] body) {
        in.ingest(body, OtlpDecoder.Encoding.PROTOBUF, false, null, null);
    }

    /** Completes the trace (past the quiet period) and waits until the engine has scored everything stored. */
    private void completeAndSettle(OtlpIngest in, Vigil vigil) {
        clock.advance(Duration.ofSeconds(3));
        in.assembler().tick();
        assertThat(vigil.awaitIdle(WAIT)).isTrue();
    }

    /**
     * Sends another trace after what was sent and waits until it is scored and the engine is idle: what came
     * before it in the store's arrivals has then been read and settled too.
     */
    private void barrier(OtlpIngest in, Vigil vigil) throws InterruptedException {
        String hex = String.format("%032x", 0xb000 + ++barriers);
        send(in, OtlpDecoderTest.chatRequest(hex).toByteArray());
        clock.advance(Duration.ofSeconds(3));
        in.assembler().tick();
        VigilSpanExporterTest.await("barrier trace scored", () -> runs.containsKey("tr-" + hex));
        assertThat(vigil.awaitIdle(WAIT)).isTrue();
    }

    private static List<Assessment> assessments(Store store) {
        return store.assessments().listByTrace("tr-" + TRACE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "h2", "fs"})
    void rescore_scoresTheNewRevisionOnce_keepsHistory_andIgnoresDuplicatesAndRestarts(String kind) throws Exception {
        try (Store store = open(kind)) {
            OtlpIngest in = ingest(store, TraceAssembler.LateSpanRule.RESCORE);
            Assessment first;
            try (Vigil vigil = engine(store, true)) {
                send(in, root());
                completeAndSettle(in, vigil);
                assertThat(assessments(store)).hasSize(1);
                first = assessments(store).get(0);
                assertThat(value(first)).isEqualTo(1);
                assertThat(first.valid()).isTrue();

                send(in, lateChild());
                VigilSpanExporterTest.await("late revision scored", () -> runsOf("tr-" + TRACE) == 2);
                barrier(in, vigil);

                TraceInfo info = store.traces().get("tr-" + TRACE).orElseThrow().info();
                assertThat(info.revision()).isEqualTo(1);
                assertThat(info.traceMetadata()).containsEntry(TraceAssembler.METADATA_REVISION, "1");
                List<Assessment> after = assessments(store);
                assertThat(after).hasSize(2);
                Assessment old = after.stream().filter(a -> a.assessmentId().equals(first.assessmentId()))
                        .findFirst().orElseThrow();
                Assessment now = after.stream().filter(Assessment::valid).findFirst().orElseThrow();
                assertThat(old.valid()).isFalse();
                assertThat(value(old)).isEqualTo(1);
                assertThat(old.traceRevision()).isZero();
                assertThat(value(now)).isEqualTo(2);
                assertThat(now.traceRevision()).isEqualTo(1);
                assertThat(now.overrides()).isEqualTo(first.assessmentId());
                assertThat(after).filteredOn(Assessment::valid).hasSize(1);

                send(in, lateChild()); // the late batch delivered again: nothing new
                barrier(in, vigil);
                assertThat(runsOf("tr-" + TRACE)).isEqualTo(2);
                assertThat(store.traces().get("tr-" + TRACE).orElseThrow().info().revision()).isEqualTo(1);
                assertThat(assessments(store)).hasSize(2);
            }
            // a new engine on the same store (a restart, or another engine taking the partitions over)
            try (Vigil again = engine(store, false)) {
                barrier(in, again);
                assertThat(runsOf("tr-" + TRACE)).isEqualTo(2);
                assertThat(assessments(store)).hasSize(2).filteredOn(Assessment::valid).hasSize(1);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void rescore_emitsOneEvaluationEventPerScoring_notOneForTheRetiredAssessment() throws Exception {
        List<Double> scores = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.opentelemetry.sdk.logs.export.LogRecordExporter sink = new io.opentelemetry.sdk.logs.export.LogRecordExporter() {
            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode export(
                    java.util.Collection<io.opentelemetry.sdk.logs.data.LogRecordData> logs) {
                logs.forEach(l -> scores.add(l.getAttributes().get(
                        io.opentelemetry.api.common.AttributeKey.doubleKey("gen_ai.evaluation.score.value"))));
                return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
            }

            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode flush() {
                return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
            }

            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
                return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
            }
        };
        try (EvaluationEventExporter events = new EvaluationEventExporter(sink);
                Store opened = open("memory");
                Vigil vigil = engine(events.wrap(opened), true)) {
            Store store = events.wrap(opened);
            OtlpIngest in = ingest(store, TraceAssembler.LateSpanRule.RESCORE);
            send(in, root());
            completeAndSettle(in, vigil);
            send(in, lateChild());
            VigilSpanExporterTest.await("late revision scored", () -> runsOf("tr-" + TRACE) == 2);
            assertThat(vigil.awaitIdle(WAIT)).isTrue();
            events.flush(Duration.ofSeconds(30));

            assertThat(scores).containsExactly(1.0, 2.0);
            assertThat(assessments(store)).hasSize(2).filteredOn(Assessment::valid).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "h2"})
    void keep_updatesTheTraceButNeverScoresItAgain(String kind) throws Exception {
        try (Store store = open(kind); Vigil vigil = engine(store, true)) {
            OtlpIngest in = ingest(store, TraceAssembler.LateSpanRule.UPDATE_KEEP_ASSESSMENTS);
            send(in, root());
            completeAndSettle(in, vigil);

            send(in, lateChild());
            barrier(in, vigil);

            assertThat(store.traces().get("tr-" + TRACE).orElseThrow().spans()).hasSize(2);
            assertThat(store.traces().get("tr-" + TRACE).orElseThrow().info().revision()).isZero();
            assertThat(runsOf("tr-" + TRACE)).isEqualTo(1);
            assertThat(assessments(store)).singleElement().satisfies(a -> {
                assertThat(a.valid()).isTrue();
                assertThat(value(a)).isEqualTo(1);
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "h2"})
    void drop_ignoresTheLateSpan(String kind) throws Exception {
        try (Store store = open(kind); Vigil vigil = engine(store, true)) {
            OtlpIngest in = ingest(store, TraceAssembler.LateSpanRule.DROP);
            send(in, root());
            completeAndSettle(in, vigil);

            send(in, lateChild());
            barrier(in, vigil);

            assertThat(store.traces().get("tr-" + TRACE).orElseThrow().spans()).hasSize(1);
            assertThat(in.assembler().lateSpansDropped()).isEqualTo(1);
            assertThat(runsOf("tr-" + TRACE)).isEqualTo(1);
            assertThat(assessments(store)).singleElement().satisfies(a -> assertThat(a.valid()).isTrue());
        }
    }
}
