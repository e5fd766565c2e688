package dev.vigil.server;

import com.google.protobuf.CodedOutputStream;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vigil.otel.Admission;
import dev.vigil.otel.AdmissionException;
import dev.vigil.otel.OtlpDecoder;
import dev.vigil.otel.OtlpIngest;
import dev.vigil.otel.RequestTooLargeException;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/traces} per the OTLP/HTTP specification: {@code application/x-protobuf} or
 * {@code application/json} bodies, optionally {@code Content-Encoding: gzip}; 200 with an
 * {@code ExportTraceServiceResponse} in the request's encoding ({@code partial_success} with
 * {@code rejected_spans} and a message for spans that could not be mapped); 400 for undecodable bodies; 415 for
 * other content types; 413 over the size limit; 429 + {@code Retry-After} when too many traces are being
 * assembled; 503 + {@code Retry-After} while the engine is saturated ({@link Admission}), while draining, or when
 * the store fails. Error bodies are a
 * {@code google.rpc.Status} in the request's encoding.
 */
public final class OtlpTracesHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(OtlpTracesHandler.class);

    private final OtlpIngest ingest;
    private final long maxBodyBytes;
    private final BooleanSupplier draining;
    private final MeterRegistry metrics;

    OtlpTracesHandler(OtlpIngest ingest, long maxBodyBytes, BooleanSupplier draining, MeterRegistry metrics) {
        this.ingest = ingest;
        this.maxBodyBytes = maxBodyBytes;
        this.draining = draining;
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            OtlpDecoder.Encoding enc = OtlpDecoder.Encoding.fromContentType(contentType);
            OtlpDecoder.Encoding reply = enc == null ? OtlpDecoder.Encoding.JSON : enc;
            if (!ex.getRequestMethod().equalsIgnoreCase("POST")) {
                ex.getResponseHeaders().set("Allow", "POST");
                error(ex, 405, reply, "use POST for /v1/traces");
                return;
            }
            if (enc == null) {
                error(ex, 415, reply, "unsupported Content-Type " + (contentType == null ? "(none)" : "'" + contentType
                        + "'") + ": use application/x-protobuf or application/json");
                return;
            }
            String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
            boolean gzip = false;
            if (encoding != null && !encoding.isBlank() && !encoding.equalsIgnoreCase("identity")) {
                if (!encoding.strip().toLowerCase(Locale.ROOT).equals("gzip")) {
                    error(ex, 415, reply, "unsupported Content-Encoding '" + encoding + "': use gzip or none");
                    return;
                }
                gzip = true;
            }
            if (draining.getAsBoolean()) {
                ex.getResponseHeaders().set("Retry-After", "5");
                error(ex, 503, reply, "the server is shutting down; retry later");
                return;
            }
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            if (length != null && parseLong(length) > maxBodyBytes) {
                error(ex, 413, reply, "request body of " + length + " bytes is over the limit of " + maxBodyBytes
                        + " bytes; send smaller batches or raise --max-request-size");
                return;
            }
            byte[] body = readLimited(ex.getRequestBody());
            if (body == null) {
                error(ex, 413, reply, "request body is over the limit of " + maxBodyBytes + " bytes; send smaller"
                        + " batches or raise --max-request-size");
                return;
            }
            OtlpIngest.Outcome o;
            try {
                o = ingest.ingest(body, enc, gzip, ex.getRequestHeaders().getFirst("x-vigil-experiment"),
                        ex.getRequestHeaders().getFirst("x-mlflow-experiment-id"));
            } catch (RequestTooLargeException e) {
                error(ex, 413, reply, e.getMessage());
                return;
            } catch (InvalidInputException e) {
                error(ex, 400, reply, e.getMessage());
                return;
            } catch (AdmissionException e) {
                // OTLP/HTTP: both are retryable; 429 when this client sends more than assembly can hold,
                // 503 when the engine behind the door is saturated
                ex.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1,
                        (e.retryAfter().toMillis() + 999) / 1000)));
                metrics.counter("vigil.otlp.refused", "reason", e.reason().name().toLowerCase(Locale.ROOT))
                        .increment();
                error(ex, e.reason() == Admission.Reason.ASSEMBLY_FULL ? 429 : 503, reply, e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.warn("storing OTLP spans failed", e);
                ex.getResponseHeaders().set("Retry-After", "5");
                error(ex, 503, reply, "spans could not be stored (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + "); retry later");
                return;
            }
            metrics.counter("vigil.otlp.spans", "outcome", "accepted").increment(o.acceptedSpans());
            metrics.counter("vigil.otlp.spans", "outcome", "rejected").increment(o.rejectedSpans());
            success(ex, reply, o);
        }
    }

    private byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > maxBodyBytes) {
                in.transferTo(OutputStreamSink.INSTANCE);
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void success(HttpExchange ex, OtlpDecoder.Encoding enc, OtlpIngest.Outcome o) throws IOException {
        count(200);
        byte[] body;
        if (enc == OtlpDecoder.Encoding.PROTOBUF) {
            ExportTraceServiceResponse.Builder r = ExportTraceServiceResponse.newBuilder();
            if (o.rejectedSpans() > 0) {
                r.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(o.rejectedSpans())
                        .setErrorMessage(o.message() == null ? "" : o.message()));
            }
            body = r.build().toByteArray();
        } else {
            Map<String, Object> r = new LinkedHashMap<>();
            if (o.rejectedSpans() > 0) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("rejectedSpans", Long.toString(o.rejectedSpans()));
                p.put("errorMessage", o.message() == null ? "" : o.message());
                r.put("partialSuccess", p);
            }
            body = Json.write(r).getBytes(StandardCharsets.UTF_8);
        }
        send(ex, 200, enc, body);
    }

    private void error(HttpExchange ex, int status, OtlpDecoder.Encoding enc, String message) throws IOException {
        count(status);
        int grpcCode = switch (status) {
            case 400, 415 -> 3; // INVALID_ARGUMENT
            case 413 -> 8; // RESOURCE_EXHAUSTED
            case 429 -> 8;
            case 401 -> 16; // UNAUTHENTICATED
            default -> 14; // UNAVAILABLE
        };
        byte[] body;
        if (enc == OtlpDecoder.Encoding.PROTOBUF) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, grpcCode);
            out.writeString(2, message);
            out.flush();
            body = bytes.toByteArray();
        } else {
            body = Json.write(Map.of("code", grpcCode, "message", message)).getBytes(StandardCharsets.UTF_8);
        }
        send(ex, status, enc, body);
    }

    private void count(int status) {
        metrics.counter("vigil.otlp.requests", "status", Integer.toString(status)).increment();
    }

    static void send(HttpExchange ex, int status, OtlpDecoder.Encoding enc, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", enc.contentType());
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    /** Discards what is left of an over-long body, so that the connection can answer. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
            // discard
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // discard
        }
    }
}
