package dev.vigil.otel;

import com.google.protobuf.ByteString;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanStatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a parsed protobuf {@code ExportTraceServiceRequest} straight into {@link OtlpSpan}s, without the detour
 * through the OTLP/JSON tree (the intake's hot path: see {@code OtlpIngestBenchmark}). Reads exactly what
 * {@link OtlpJsonReader} reads from {@link OtlpDecoder#toJson} of the same request.
 */
final class OtlpProtoReader {

    private static final HexFormat HEX = HexFormat.of();

    private OtlpProtoReader() {}

    /**
     * @param request the parsed request
     * @param visitor receives the resources and their spans; a span whose ids have the wrong length is passed to
     *     {@link OtlpSpan.Visitor#rejected} and the others are read
     */
    static void read(ExportTraceServiceRequest request, OtlpSpan.Visitor visitor) {
        // trace ids repeat across the spans of a request: hex-encode each distinct one once
        Map<ByteString, String> traceIds = new HashMap<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            visitor.resource(attributes(rs.getResource().getAttributesList()));
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    OtlpSpan span;
                    try {
                        span = span(s, traceIds);
                    } catch (InvalidInputException e) {
                        visitor.rejected(e.getMessage());
                        continue;
                    }
                    visitor.span(span);
                }
            }
        }
    }

    private static OtlpSpan span(Span s, Map<ByteString, String> traceIds) {
        ByteString tid = s.getTraceId();
        String traceId = traceIds.get(tid);
        if (traceId == null) {
            traceId = id(tid, 16, "traceId");
            if (OtlpSpan.isEmptyId(traceId)) {
                throw new InvalidInputException("OTLP span has an empty or all-zero traceId");
            }
            traceIds.put(tid, traceId);
        }
        String spanId = id(s.getSpanId(), 8, "spanId");
        String parent = null;
        if (!s.getParentSpanId().isEmpty()) {
            parent = id(s.getParentSpanId(), 8, "parentSpanId");
            if (OtlpSpan.isEmptyId(parent)) {
                parent = null;
            }
        }
        List<SpanEvent> events = List.of();
        if (s.getEventsCount() > 0) {
            events = new ArrayList<>(s.getEventsCount());
            for (Span.Event e : s.getEventsList()) {
                events.add(new SpanEvent(e.getName(), e.getTimeUnixNano(), attributes(e.getAttributesList())));
            }
        }
        return new OtlpSpan(traceId, spanId, parent, s.getName(), OtlpSpan.kindName(s.getKindValue()),
                s.getStartTimeUnixNano(), s.getEndTimeUnixNano(), status(s), attributes(s.getAttributesList()),
                events);
    }

    private static SpanStatus status(Span s) {
        if (!s.hasStatus()) {
            return SpanStatus.UNSET;
        }
        Status st = s.getStatus();
        return switch (st.getCodeValue()) {
            case 1 -> new SpanStatus(SpanStatusCode.OK, st.getMessage());
            case 2 -> new SpanStatus(SpanStatusCode.ERROR, st.getMessage());
            default -> new SpanStatus(SpanStatusCode.UNSET, st.getMessage());
        };
    }

    private static String id(ByteString bytes, int length, String field) {
        if (bytes.size() == length) {
            return HEX.formatHex(bytes.toByteArray());
        }
        if (bytes.isEmpty()) {
            return "";
        }
        throw new InvalidInputException("OTLP " + field + " \"" + HEX.formatHex(bytes.toByteArray()) + "\" has "
                + bytes.size() + " bytes; expected " + length + " bytes (" + length * 2 + " hex digits)");
    }

    private static Map<String, Object> attributes(List<KeyValue> kvs) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, kvs.size() * 2));
        for (KeyValue kv : kvs) {
            out.put(kv.getKey(), value(kv.getValue()));
        }
        return out;
    }

    /** An {@code AnyValue} as a plain JSON value, as {@link OtlpJsonReader#anyValue} reads its JSON form. */
    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE -> {
                List<Object> out = new ArrayList<>(v.getArrayValue().getValuesCount());
                v.getArrayValue().getValuesList().forEach(x -> out.add(value(x)));
                yield out;
            }
            case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
            default -> null;
        };
    }
}
