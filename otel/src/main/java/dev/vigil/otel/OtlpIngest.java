package dev.vigil.otel;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.Objects;

/**
 * The whole OTLP trace intake, used by the server and the CLI: {@link OtlpDecoder} (wire bytes to the parsed protobuf
 * request or the OTLP/JSON tree), {@link OtlpMapper} (spans to MLflow traces), {@link ExperimentRouter} (which experiment), and
 * {@link TraceAssembler} (durable, idempotent merging and completion).
 */
public final class OtlpIngest {

    /**
     * The outcome of one request.
     *
     * @param acceptedSpans spans stored
     * @param rejectedSpans spans that could not be mapped
     * @param message why spans were rejected, or null
     */
    public record Outcome(long acceptedSpans, long rejectedSpans, String message) {}

    private final OtlpDecoder decoder;
    private final ExperimentRouter router;
    private final TraceAssembler assembler;
    private final Admission admission;

    /**
     * @param decoder the decoder
     * @param router the router
     * @param assembler the assembler
     */
    public OtlpIngest(OtlpDecoder decoder, ExperimentRouter router, TraceAssembler assembler) {
        this(decoder, router, assembler, Admission.always());
    }

    /**
     * @param decoder the decoder
     * @param router the router
     * @param assembler the assembler
     * @param admission checked before each request is decoded (backpressure from the engine)
     */
    public OtlpIngest(OtlpDecoder decoder, ExperimentRouter router, TraceAssembler assembler, Admission admission) {
        this.decoder = Objects.requireNonNull(decoder);
        this.router = Objects.requireNonNull(router);
        this.assembler = Objects.requireNonNull(assembler);
        this.admission = Objects.requireNonNull(admission);
    }

    /**
     * Decodes, maps and stores one OTLP trace request.
     *
     * @param body the body
     * @param encoding its encoding
     * @param gzip true if gzip compressed
     * @param vigilHeader the {@code x-vigil-experiment} header, or null
     * @param mlflowHeader the {@code x-mlflow-experiment-id} header, or null
     * @return accepted and rejected span counts
     * @throws dev.vigil.spi.InvalidInputException if the body is undecodable (nothing stored)
     * @throws RequestTooLargeException if it is too large
     * @throws AdmissionException under backpressure: the admission refused, or too many traces are being
     *     assembled (nothing stored)
     */
    public Outcome ingest(byte[] body, OtlpDecoder.Encoding encoding, boolean gzip, String vigilHeader,
            String mlflowHeader) {
        admission.check();
        if (encoding == OtlpDecoder.Encoding.PROTOBUF) {
            ExportTraceServiceRequest request = decoder.decodeProtobuf(body, gzip);
            return store(OtlpMapper.map(request, router.forRequest(vigilHeader, mlflowHeader)));
        }
        JsonNode root = decoder.decode(body, encoding, gzip);
        return store(OtlpMapper.map(root, router.forRequest(vigilHeader, mlflowHeader)));
    }

    /**
     * @param root a decoded request
     * @param vigilHeader the {@code x-vigil-experiment} header, or null
     * @param mlflowHeader the {@code x-mlflow-experiment-id} header, or null
     * @return accepted and rejected span counts
     * @throws AdmissionException under backpressure (nothing stored)
     */
    public Outcome ingest(JsonNode root, String vigilHeader, String mlflowHeader) {
        admission.check();
        return store(OtlpMapper.map(root, router.forRequest(vigilHeader, mlflowHeader)));
    }

    private Outcome store(OtlpMapper.Result r) {
        assembler.accept(r.traces());
        return new Outcome(r.acceptedSpans(), r.rejectedSpans(), r.rejectionMessage());
    }

    /** @return the assembler (tick it periodically) */
    public TraceAssembler assembler() {
        return assembler;
    }
}
