package dev.vigil.otel;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trace's info from its spans (as known so far): state, request time and duration, previews, token usage summed
 * into {@code mlflow.trace.tokenUsage}, session and user ids into {@code mlflow.trace.session} /
 * {@code mlflow.trace.user} (MLflow's, OpenInference's, OTel GenAI's and OpenLLMetry's attribute names).
 */
final class TraceInfoBuilder {

    private static final int PREVIEW = 1000;

    private TraceInfoBuilder() {}

    static Trace trace(String traceId, String experimentId, List<Span> spans, Map<String, Object> resource) {
        Trace draft = new Trace(new TraceInfo(traceId, experimentId, Instant.EPOCH, null, null, null, null, null,
                null, null, null), spans);
        // without a root (parents forming a cycle: hostile input), the earliest span stands in for it
        Span root = draft.rootSpan().orElseGet(() -> spans.stream()
                .min(java.util.Comparator.comparingLong(Span::startTimeUnixNano)).orElseThrow());
        long start = Long.MAX_VALUE;
        long end = 0;
        boolean running = false;
        long inTokens = 0;
        long outTokens = 0;
        boolean anyTokens = false;
        for (Span s : spans) {
            start = Math.min(start, s.startTimeUnixNano());
            end = Math.max(end, s.endTimeUnixNano());
            if (s.endTimeUnixNano() == 0) {
                running = true;
            }
            if (s.attributes().get("mlflow.chat.tokenUsage") instanceof Map<?, ?> usage) {
                anyTokens = true;
                inTokens += usage.get("input_tokens") instanceof Number n ? n.longValue() : 0;
                outTokens += usage.get("output_tokens") instanceof Number n ? n.longValue() : 0;
            }
        }
        long rootEnd = root.endTimeUnixNano() == 0 ? end : root.endTimeUnixNano();
        Long durationMs = running && root.endTimeUnixNano() == 0 ? null
                : Math.max(0, (rootEnd - root.startTimeUnixNano()) / 1_000_000);
        TraceState state = root.endTimeUnixNano() == 0 ? TraceState.IN_PROGRESS
                : root.status().code() == SpanStatusCode.ERROR ? TraceState.ERROR : TraceState.OK;
        Map<String, String> metadata = new TreeMap<>();
        metadata.put("mlflow.traceName", root.name());
        metadata.put(OtlpMapper.METADATA_SOURCE, "otlp");
        if (resource.get("service.name") instanceof String service) {
            metadata.put("service.name", service);
        }
        for (Span s : spans) {
            putFirst(metadata, "mlflow.trace.session", s.attributes(), "mlflow.trace.session", "session.id",
                    "gen_ai.conversation.id", "traceloop.association.properties.session_id");
            putFirst(metadata, "mlflow.trace.user", s.attributes(), "mlflow.trace.user", "user.id", "enduser.id",
                    "traceloop.association.properties.user_id");
        }
        if (anyTokens) {
            Map<String, Object> usage = new LinkedHashMap<>();
            usage.put("input_tokens", inTokens);
            usage.put("output_tokens", outTokens);
            usage.put("total_tokens", inTokens + outTokens);
            metadata.put("mlflow.trace.tokenUsage", Json.write(usage));
        }
        Instant requestTime = Instant.ofEpochSecond(0, start == Long.MAX_VALUE ? 0 : start);
        requestTime = Instant.ofEpochMilli(requestTime.toEpochMilli());
        TraceInfo info = new TraceInfo(traceId, experimentId, requestTime, durationMs, state,
                preview(root.inputs()), preview(root.outputs()), null, metadata, Map.of(), List.of());
        return new Trace(info, spans);
    }

    private static void putFirst(Map<String, String> metadata, String key, Map<String, Object> attrs,
            String... names) {
        if (metadata.containsKey(key)) {
            return;
        }
        for (String n : names) {
            Object v = attrs.get(n);
            if (v != null && !String.valueOf(v).isBlank()) {
                metadata.put(key, String.valueOf(v));
                return;
            }
        }
    }

    private static String preview(Object value) {
        if (value == null) {
            return null;
        }
        String text = value instanceof String s ? s : Json.write(value);
        return text.length() <= PREVIEW ? text : text.substring(0, PREVIEW - 3) + "...";
    }
}
