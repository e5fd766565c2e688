package dev.vigil.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.otel.ExperimentRouter;
import dev.vigil.otel.OtlpDecoder;
import dev.vigil.otel.OtlpMapper;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns one trace record into (partial) traces: OTLP protobuf or JSON through the {@code otel} module, or one
 * MLflow trace JSON. Never throws on bad input: a record that cannot be used comes back with a poison reason.
 */
final class RecordDecoder {

    /** Allowed MLflow trace ids: a letter or digit, then up to 127 of letters, digits, {@code . _ : -}. */
    static final Pattern TRACE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    /**
     * What a record decoded to.
     *
     * @param traces the traces (partial for OTLP: the spans of this record only)
     * @param poison why (part of) the record is unusable, or null; when set the record goes to the dead letters
     *     (spans that could be used are still stored)
     */
    record Decoded(List<Trace> traces, String poison) {}

    private final RecordFormat defaultFormat;
    private final int maxRecordBytes;
    private final OtlpDecoder otlp;
    private final ExperimentRouter router;
    private final String defaultExperiment;

    RecordDecoder(RecordFormat defaultFormat, int maxRecordBytes, ExperimentRouter router, String defaultExperiment) {
        this.defaultFormat = defaultFormat;
        this.maxRecordBytes = maxRecordBytes;
        this.otlp = new OtlpDecoder(maxRecordBytes);
        this.router = router;
        this.defaultExperiment = defaultExperiment;
    }

    Decoded decode(byte[] value, Headers headers) {
        if (value == null) {
            return new Decoded(List.of(), "the record has no value (a tombstone)");
        }
        if (value.length > maxRecordBytes) {
            return new Decoded(List.of(), "the record is " + value.length + " bytes; the limit is " + maxRecordBytes
                    + " (max.record.bytes)");
        }
        RecordFormat format;
        try {
            String h = header(headers, RecordFormat.HEADER);
            format = h == null ? defaultFormat : RecordFormat.parse(h);
        } catch (IllegalArgumentException e) {
            return new Decoded(List.of(), e.getMessage());
        }
        try {
            return switch (format) {
                case OTLP_PROTO -> otlp(otlp.decode(value, OtlpDecoder.Encoding.PROTOBUF, false), headers);
                case OTLP_JSON -> otlp(otlp.decode(value, OtlpDecoder.Encoding.JSON, false), headers);
                case MLFLOW_JSON -> mlflow(value, headers);
            };
        } catch (RuntimeException e) {
            return new Decoded(List.of(), format.id() + " record cannot be decoded: " + e.getMessage());
        }
    }

    private Decoded otlp(JsonNode root, Headers headers) {
        String experiment = header(headers, ExperimentRouter.HEADER);
        if (experiment == null) {
            experiment = defaultExperiment;
        }
        OtlpMapper.Result r = OtlpMapper.map(root, router.forRequest(experiment,
                header(headers, ExperimentRouter.MLFLOW_HEADER)));
        String poison = r.rejectedSpans() == 0 ? null
                : r.rejectedSpans() + " span(s) rejected (" + r.acceptedSpans() + " kept): " + r.rejectionMessage();
        return new Decoded(r.traces(), poison);
    }

    private Decoded mlflow(byte[] value, Headers headers) {
        Trace t = MlflowJson.readTrace(new String(value, StandardCharsets.UTF_8));
        if (t.traceId() == null || !TRACE_ID.matcher(t.traceId()).matches()) {
            return new Decoded(List.of(), "trace id '" + abbreviate(t.traceId()) + "' has the wrong shape: a letter"
                    + " or digit, then up to 127 letters, digits, '.', '_', ':' or '-'");
        }
        String name = header(headers, ExperimentRouter.HEADER);
        if (name == null) {
            name = defaultExperiment == null ? ExperimentRouter.FALLBACK : defaultExperiment;
        }
        String experimentId = router.idOf(name);
        TraceInfo i = t.info();
        Trace routed = new Trace(new TraceInfo(i.traceId(), experimentId, i.requestTime(), i.executionDurationMs(),
                i.state(), i.requestPreview(), i.responsePreview(), i.clientRequestId(), i.traceMetadata(), i.tags(),
                i.assessments()), t.spans());
        return new Decoded(List.of(routed), null);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    static String header(Headers headers, String name) {
        Header h = headers == null ? null : headers.lastHeader(name);
        if (h == null || h.value() == null) {
            return null;
        }
        String v = new String(h.value(), StandardCharsets.UTF_8).strip();
        return v.isEmpty() ? null : v;
    }
}
