package dev.vigil.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TraceAssemblerTest {

    private static final String TRACE = "5b8efff798038103d269b633813fc60c";
    private final Store store = Stores.open("memory:");
    private final MutableClock clock = MutableClock.atDefaultStart();
    private final OtlpDecoder decoder = new OtlpDecoder(Long.MAX_VALUE);

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    private OtlpIngest ingest(TraceAssembler.Builder b) {
        return new OtlpIngest(decoder, new ExperimentRouter(store, "service.name"), b.clock(clock).build());
    }

    private static byte[] childThenRoot(boolean withRoot) {
        var child = OtlpDecoderTest.span(TRACE, "00000000000000b2", "00000000000000a1").build();
        if (!withRoot) {
            return OtlpDecoderTest.request("shop", child).toByteArray();
        }
        return OtlpDecoderTest.request("shop", OtlpDecoderTest.span(TRACE, "00000000000000a1", null).build())
                .toByteArray();
    }

    private Trace stored() {
        return store.traces().get("tr-" + TRACE).orElseThrow();
    }

    @Test
    void firstSpans_areStoredInProgress_andCompleteAfterQuietPeriodOnceRootEnded() {
        OtlpIngest in = ingest(TraceAssembler.builder(store));

        in.ingest(childThenRoot(false), OtlpDecoder.Encoding.PROTOBUF, false, null, null);
        assertThat(stored().info().state()).isEqualTo(TraceState.IN_PROGRESS);
        clock.advance(Duration.ofSeconds(5));
        assertThat(in.assembler().tick()).isZero(); // no root yet: stays open
        assertThat(stored().info().state()).isEqualTo(TraceState.IN_PROGRESS);

        in.ingest(childThenRoot(true), OtlpDecoder.Encoding.PROTOBUF, false, null, null);
        clock.advance(Duration.ofMillis(1999));
        assertThat(in.assembler().tick()).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(in.assembler().tick()).isEqualTo(1);

        Trace t = stored();
        assertThat(t.info().state()).isEqualTo(TraceState.OK);
        assertThat(t.spans()).hasSize(2);
        assertThat(t.experimentId()).isEqualTo(store.experiments().findByName("shop").orElseThrow().experimentId());
        assertThat(in.assembler().openTraces()).isZero();
    }

    @Test
    void duplicateBatch_isIdempotent() {
        OtlpIngest in = ingest(TraceAssembler.builder(store));
        byte[] body = OtlpDecoderTest.chatRequest(TRACE).toByteArray();

        in.ingest(body, OtlpDecoder.Encoding.PROTOBUF, false, null, null);
        in.ingest(body, OtlpDecoder.Encoding.PROTOBUF, false, null, null);
        clock.advance(Duration.ofSeconds(3));
        in.assembler().tick();
        in.ingest(body, OtlpDecoder.Encoding.PROTOBUF, false, null, null);

        assertThat(stored().spans()).hasSize(1);
        assertThat(stored().info().state()).isEqualTo(TraceState.OK);
        assertThat(store.traces().count(stored().experimentId())).isEqualTo(1);
    }

    @Test
    void lateSpan_updatesCompletedTraceAndKeepsItComplete() {
        OtlpIngest in = ingest(TraceAssembler.builder(store));
        in.ingest(childThenRoot(true), OtlpDecoder.Encoding.PROTOBUF, false, null, null);
        clock.advance(Duration.ofSeconds(3));
        in.assembler().tick();

        in.ingest(childThenRoot(false), OtlpDecoder.Encoding.PROTOBUF, false, null, null);

        assertThat(stored().spans()).hasSize(2);
        assertThat(stored().info().state()).isEqualTo(TraceState.OK);
        assertThat(in.assembler().openTraces()).isZero();
        assertThat(stored().info().traceMetadata()).containsEntry(TraceAssembler.METADATA_REVISION, "1");
        assertThat(in.assembler().lateSpansUpdated()).isEqualTo(1);

        in.ingest(childThenRoot(false), OtlpDecoder.Encoding.PROTOBUF, false, null, null); // a duplicate: no change
        assertThat(stored().info().traceMetadata()).containsEntry(TraceAssembler.METADATA_REVISION, "1");
    }

    @Test
    void zeroQuietPeriod_storesATraceWithAnEndedRootCompleteAtOnce_andOneWithoutRootStaysOpen() {
        OtlpIngest in = ingest(TraceAssembler.builder(store).quietPeriod(Duration.ZERO));

        in.ingest(childThenRoot(false), OtlpDecoder.Encoding.PROTOBUF, false, null, null);
        assertThat(stored().info().state()).isEqualTo(TraceState.IN_PROGRESS);
        assertThat(in.assembler().openTraces()).isEqualTo(1);

        in.ingest(childThenRoot(true), OtlpDecoder.Encoding.PROTOBUF, false, null, null);

        assertThat(stored().info().state()).isEqualTo(TraceState.OK);
        assertThat(stored().spans()).hasSize(2);
        assertThat(in.assembler().openTraces()).isZero();
        assertThat(stored().info().traceMetadata()).doesNotContainKey(TraceAssembler.METADATA_REVISION);
    }

    @Test
    void lateSpan_underDropRule_isIgnoredAndCounted() {
        OtlpIngest in = ingest(TraceAssembler.builder(store).lateSpanRule(TraceAssembler.LateSpanRule.DROP));
        in.ingest(childThenRoot(true), OtlpDecoder.Encoding.PROTOBUF, false, null, null);
        clock.advance(Duration.ofSeconds(3));
        in.assembler().tick();

        in.ingest(childThenRoot(false), OtlpDecoder.Encoding.PROTOBUF, false, null, null);

        assertThat(stored().spans()).hasSize(1);
        assertThat(in.assembler().lateSpansDropped()).isEqualTo(1);
    }

    @Test
    void traceWhoseRootNeverArrives_isClosedAsIncompleteErrorAfterMaxAge() {
        OtlpIngest in = ingest(TraceAssembler.builder(store).maxAge(Duration.ofMinutes(1)));
        in.ingest(childThenRoot(false), OtlpDecoder.Encoding.PROTOBUF, false, null, null);

        clock.advance(Duration.ofSeconds(59));
        assertThat(in.assembler().tick()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(in.assembler().tick()).isEqualTo(1);

        assertThat(stored().info().state()).isEqualTo(TraceState.ERROR);
        assertThat(stored().info().traceMetadata()).containsEntry(TraceAssembler.METADATA_INCOMPLETE, "true");
        assertThat(in.assembler().openTraces()).isZero();
    }

    @Test
    void openTraceLimit_refusesNewTracesWithoutStoringThem() {
        OtlpIngest in = ingest(TraceAssembler.builder(store).maxOpenTraces(1));
        in.ingest(childThenRoot(false), OtlpDecoder.Encoding.PROTOBUF, false, null, null);

        byte[] other = OtlpDecoderTest.chatRequest("0000000000000000000000000000abcd").toByteArray();
        assertThatThrownBy(() -> in.ingest(other, OtlpDecoder.Encoding.PROTOBUF, false, null, null))
                .isInstanceOf(TraceAssembler.AdmissionException.class).hasMessageContaining("limit 1");
        assertThat(store.traces().get("tr-0000000000000000000000000000abcd")).isEmpty();
    }

    @Test
    void restart_recoversInProgressTraces() {
        clock.set(java.time.Instant.ofEpochSecond(1_700_000_030L)); // spans started 30 s ago
        ingest(TraceAssembler.builder(store)).ingest(childThenRoot(true), OtlpDecoder.Encoding.PROTOBUF, false, null,
                null);
        OtlpIngest restarted = ingest(TraceAssembler.builder(store));

        assertThat(restarted.assembler().recover()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(3));
        restarted.assembler().tick();

        assertThat(stored().info().state()).isEqualTo(TraceState.OK);
    }

    @Test
    void headerRoutes_overResourceAttribute() {
        OtlpIngest in = ingest(TraceAssembler.builder(store));
        in.ingest(childThenRoot(true), OtlpDecoder.Encoding.PROTOBUF, false, "checkout", null);

        assertThat(stored().experimentId())
                .isEqualTo(store.experiments().findByName("checkout").orElseThrow().experimentId());
    }

    @Test
    void hundredThousandSpansInOneRequest_areAllStored() {
        OtlpIngest in = ingest(TraceAssembler.builder(store).maxOpenTraces(200_000));
        List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            String trace = String.format("%032x", 1_000_000 + i / 10);
            String span = String.format("%016x", 1 + i);
            spans.add(OtlpDecoderTest.span(trace, span, i % 10 == 0 ? null : String.format("%016x", 1 + i - i % 10))
                    .build());
        }
        ExportTraceServiceRequest req = OtlpDecoderTest.request("bulk",
                spans.toArray(io.opentelemetry.proto.trace.v1.Span[]::new));

        OtlpIngest.Outcome o = in.ingest(req.toByteArray(), OtlpDecoder.Encoding.PROTOBUF, false, null, null);

        assertThat(o.acceptedSpans()).isEqualTo(100_000);
        assertThat(o.rejectedSpans()).isZero();
        String exp = store.experiments().findByName("bulk").orElseThrow().experimentId();
        assertThat(store.traces().count(exp)).isEqualTo(10_000);
    }
}
