package dev.vigil.otel;

import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import java.util.List;
import java.util.Map;

/**
 * One OTLP span as read from either wire form, before the GenAI conventions are mapped: ids as lower-case hex, the
 * attributes as plain JSON values (OTLP {@code AnyValue}s unwrapped).
 *
 * @param traceIdHex the 32-hex-digit OTel trace id
 * @param spanIdHex the 16-hex-digit span id
 * @param parentSpanIdHex the parent's span id, or null for a root
 * @param name the span name
 * @param kind the OTel span kind name (INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER)
 * @param startTimeUnixNano start
 * @param endTimeUnixNano end, 0 while running
 * @param status the status
 * @param attributes the attributes: a fresh {@link java.util.LinkedHashMap} owned by this span, which
 *     {@link OtlpMapper} decodes and trims in place when it maps the span
 * @param events the events
 */
record OtlpSpan(String traceIdHex, String spanIdHex, String parentSpanIdHex, String name, String kind,
        long startTimeUnixNano, long endTimeUnixNano, SpanStatus status, Map<String, Object> attributes,
        List<SpanEvent> events) {

    /** Receives what a reader reads, resource by resource. */
    interface Visitor {
        /** @param attributes the attributes of the resource whose spans follow */
        void resource(Map<String, Object> attributes);

        /** @param span a span of the current resource */
        void span(OtlpSpan span);

        /** @param message why a span of the current resource could not be read */
        void rejected(String message);
    }

    /** @return the OTel span kind name for its protobuf number */
    static String kindName(int kind) {
        return switch (kind) {
            case 2 -> "SERVER";
            case 3 -> "CLIENT";
            case 4 -> "PRODUCER";
            case 5 -> "CONSUMER";
            default -> "INTERNAL";
        };
    }

    /** @return true if the hex id is empty or all zeros (OTLP's "no id") */
    static boolean isEmptyId(String hex) {
        if (hex.isEmpty()) {
            return true;
        }
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
