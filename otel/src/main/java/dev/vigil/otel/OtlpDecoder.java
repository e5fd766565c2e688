package dev.vigil.otel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Decodes OTLP trace export requests ({@code ExportTraceServiceRequest}) from their wire forms into the OTLP/JSON
 * tree that {@link OtlpMapper} reads: binary protobuf ({@code application/x-protobuf}) or the OTLP/JSON mapping
 * ({@code application/json}: hex ids, enums as numbers or names, 64-bit integers as strings), optionally gzip
 * compressed. Protobuf ids become lower-case hex, as the OTLP/JSON mapping writes them.
 */
public final class OtlpDecoder {

    /** The request encodings of OTLP/HTTP. */
    public enum Encoding {
        /** Binary protobuf, {@code application/x-protobuf}. */
        PROTOBUF("application/x-protobuf"),
        /** The OTLP/JSON mapping, {@code application/json}. */
        JSON("application/json");

        private final String contentType;

        Encoding(String contentType) {
            this.contentType = contentType;
        }

        /** @return the content type OTLP/HTTP uses for this encoding */
        public String contentType() {
            return contentType;
        }

        /**
         * @param contentType a {@code Content-Type} header value (parameters such as {@code charset} ignored)
         * @return the encoding, or null if OTLP/HTTP does not define one for it
         */
        public static Encoding fromContentType(String contentType) {
            if (contentType == null) {
                return null;
            }
            String base = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            return switch (base) {
                case "application/x-protobuf", "application/protobuf" -> PROTOBUF;
                case "application/json" -> JSON;
                default -> null;
            };
        }
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final long maxDecodedBytes;

    /** @param maxDecodedBytes the largest request accepted after gzip decompression */
    public OtlpDecoder(long maxDecodedBytes) {
        if (maxDecodedBytes <= 0) {
            throw new IllegalArgumentException("maxDecodedBytes must be positive, got " + maxDecodedBytes);
        }
        this.maxDecodedBytes = maxDecodedBytes;
    }

    /**
     * @param body the request body
     * @param encoding its encoding
     * @param gzip true if the body is gzip compressed ({@code Content-Encoding: gzip})
     * @return the request as an OTLP/JSON tree
     * @throws InvalidInputException if the body is not a decodable OTLP trace request (the message says why)
     * @throws RequestTooLargeException if the decompressed body exceeds the limit
     */
    public JsonNode decode(byte[] body, Encoding encoding, boolean gzip) {
        byte[] bytes = unwrap(body, gzip);
        return switch (encoding) {
            case PROTOBUF -> toJson(parseProtobuf(bytes));
            case JSON -> {
                JsonNode root;
                try {
                    root = Json.readTree(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    throw new InvalidInputException("OTLP/JSON body is not valid JSON: " + e.getMessage());
                }
                if (root == null || !root.isObject()) {
                    throw new InvalidInputException("OTLP/JSON body must be an ExportTraceServiceRequest object,"
                            + " got " + (root == null ? "nothing" : root.getNodeType()));
                }
                if (root.has("resourceSpans") && !root.get("resourceSpans").isArray()) {
                    throw new InvalidInputException("OTLP/JSON \"resourceSpans\" must be an array, got "
                            + root.get("resourceSpans").getNodeType());
                }
                yield root;
            }
        };
    }

    /**
     * Decodes a binary protobuf request without building its OTLP/JSON tree (the intake's fast path; map it with
     * {@link OtlpMapper#map(ExportTraceServiceRequest, java.util.function.Function)}).
     *
     * @param body the request body
     * @param gzip true if the body is gzip compressed
     * @return the parsed request
     * @throws InvalidInputException if the body is not a decodable OTLP trace request (the message says why)
     * @throws RequestTooLargeException if the decompressed body exceeds the limit
     */
    public ExportTraceServiceRequest decodeProtobuf(byte[] body, boolean gzip) {
        return parseProtobuf(unwrap(body, gzip));
    }

    private byte[] unwrap(byte[] body, boolean gzip) {
        byte[] bytes = gzip ? gunzip(body) : body;
        if (bytes.length > maxDecodedBytes) {
            throw new RequestTooLargeException(bytes.length, maxDecodedBytes);
        }
        return bytes;
    }

    /**
     * @param bytes a binary {@code ExportTraceServiceRequest}
     * @return the parsed request
     * @throws InvalidInputException if it is not one (truncated, wrong wire types)
     */
    public static ExportTraceServiceRequest parseProtobuf(byte[] bytes) {
        try {
            return ExportTraceServiceRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidInputException("body is not a protobuf ExportTraceServiceRequest: " + e.getMessage());
        }
    }

    private byte[] gunzip(byte[] body) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, body.length * 4));
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > maxDecodedBytes) {
                    throw new RequestTooLargeException(total, maxDecodedBytes);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new InvalidInputException("body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
        }
    }

    /**
     * @param request a parsed protobuf request
     * @return the same request in the OTLP/JSON mapping (hex ids, 64-bit integers as strings, enums as numbers)
     */
    public static ObjectNode toJson(ExportTraceServiceRequest request) {
        ObjectNode root = NODES.objectNode();
        ArrayNode rss = root.putArray("resourceSpans");
        for (ResourceSpans rs : request.getResourceSpansList()) {
            ObjectNode r = rss.addObject();
            attributes(r.putObject("resource"), rs.getResource().getAttributesList());
            ArrayNode scopes = r.putArray("scopeSpans");
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                ObjectNode scope = scopes.addObject();
                scope.putObject("scope").put("name", ss.getScope().getName()).put("version", ss.getScope().getVersion());
                ArrayNode spans = scope.putArray("spans");
                for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
                    ObjectNode j = spans.addObject();
                    j.put("traceId", hex(s.getTraceId()));
                    j.put("spanId", hex(s.getSpanId()));
                    if (!s.getParentSpanId().isEmpty()) {
                        j.put("parentSpanId", hex(s.getParentSpanId()));
                    }
                    j.put("name", s.getName());
                    j.put("kind", s.getKindValue());
                    j.put("startTimeUnixNano", Long.toUnsignedString(s.getStartTimeUnixNano()));
                    j.put("endTimeUnixNano", Long.toUnsignedString(s.getEndTimeUnixNano()));
                    attributes(j, s.getAttributesList());
                    ArrayNode events = j.putArray("events");
                    for (io.opentelemetry.proto.trace.v1.Span.Event e : s.getEventsList()) {
                        ObjectNode ev = events.addObject();
                        ev.put("name", e.getName());
                        ev.put("timeUnixNano", Long.toUnsignedString(e.getTimeUnixNano()));
                        attributes(ev, e.getAttributesList());
                    }
                    if (s.hasStatus()) {
                        j.putObject("status").put("code", s.getStatus().getCodeValue())
                                .put("message", s.getStatus().getMessage());
                    }
                }
            }
        }
        return root;
    }

    private static String hex(ByteString b) {
        return HEX.formatHex(b.toByteArray());
    }

    private static void attributes(ObjectNode target, List<KeyValue> kvs) {
        ArrayNode arr = target.putArray("attributes");
        for (KeyValue kv : kvs) {
            ObjectNode o = arr.addObject();
            o.put("key", kv.getKey());
            o.set("value", value(kv.getValue()));
        }
    }

    private static ObjectNode value(AnyValue v) {
        ObjectNode o = NODES.objectNode();
        switch (v.getValueCase()) {
            case STRING_VALUE -> o.put("stringValue", v.getStringValue());
            case BOOL_VALUE -> o.put("boolValue", v.getBoolValue());
            case INT_VALUE -> o.put("intValue", Long.toString(v.getIntValue()));
            case DOUBLE_VALUE -> o.put("doubleValue", v.getDoubleValue());
            case BYTES_VALUE -> o.put("bytesValue", java.util.Base64.getEncoder().encodeToString(
                    v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                ArrayNode values = o.putObject("arrayValue").putArray("values");
                v.getArrayValue().getValuesList().forEach(x -> values.add(value(x)));
            }
            case KVLIST_VALUE -> {
                ObjectNode kv = o.putObject("kvlistValue");
                attributes(kv, v.getKvlistValue().getValuesList());
                kv.set("values", kv.remove("attributes"));
            }
            default -> { }
        }
        return o;
    }
}
