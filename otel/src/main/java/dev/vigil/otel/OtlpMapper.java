package dev.vigil.otel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;


/**
 * Reads OTLP trace exports ({@code ExportTraceServiceRequest}: {@code {"resourceSpans": [...]}}) into MLflow
 * traces, mapping OpenTelemetry's GenAI semantic conventions to MLflow span types, inputs and outputs.
 *
 * <p>Accepted shapes: the canonical OTLP/JSON encoding (hex ids, 64-bit integers as strings or numbers), a single
 * {@code ResourceSpans} object, the old {@code instrumentationLibrarySpans} key, base64 ids, and the protobuf.js
 * decoded form ({@code {"type": "Buffer", "data": [...]}} ids, {@code {"low", "high"}} longs) that some
 * collectors log.
 *
 * <p>What a span becomes, first rule that applies:
 * <ul>
 *   <li>type: {@code mlflow.spanType}; {@code openinference.span.kind}; {@code gen_ai.operation.name} (chat,
 *       generate_content → CHAT_MODEL; text_completion → LLM; embeddings → EMBEDDING; execute_tool → TOOL;
 *       invoke_agent, create_agent → AGENT; retrieval → RETRIEVER); {@code traceloop.span.kind};
 *       {@code llm.request.type}; else UNKNOWN;</li>
 *   <li>inputs: {@code mlflow.spanInputs}; {@code gen_ai.input.messages} (+ {@code gen_ai.system_instructions})
 *       as {@code {"messages": [{"role", "content"}...]}}; the indexed {@code gen_ai.prompt.N.*} attributes; a
 *       {@code gen_ai.content.prompt} event; {@code gen_ai.tool.call.arguments}; {@code gen_ai.retrieval.query.text};
 *       {@code input.value}; {@code traceloop.entity.input};</li>
 *   <li>outputs: {@code mlflow.spanOutputs}; {@code gen_ai.output.messages} or {@code gen_ai.completion.N.*} or a
 *       {@code gen_ai.content.completion} event as an OpenAI-style {@code {"choices": [{"message": ...}]}};
 *       {@code gen_ai.tool.call.result}; {@code gen_ai.retrieval.documents} as MLflow documents
 *       ({@code page_content}, {@code metadata.doc_uri}); {@code output.value}; {@code traceloop.entity.output}.</li>
 * </ul>
 * Token usage ({@code gen_ai.usage.*}) is kept as MLflow's {@code mlflow.chat.tokenUsage} span attribute and summed
 * into the trace's {@code mlflow.trace.tokenUsage} metadata. Trace ids become MLflow's {@code tr-<32 hex>}.
 *
 * <p>The work is split by job: {@link OtlpJsonReader} and {@link OtlpProtoReader} read the two wire forms into
 * {@link OtlpSpan}s, {@link ConventionSpanTypes} picks the span type, {@link GenAiContent} the inputs, outputs and
 * token usage, {@link TraceInfoBuilder} the trace info.
 */
public final class OtlpMapper {

    /** The metadata key naming where an imported trace came from. */
    public static final String METADATA_SOURCE = "vigil.import.source";

    /** Attributes whose string value is JSON text, decoded into the JSON value once per span. */
    private static final Set<String> JSON_ATTRIBUTES = Set.of("gen_ai.input.messages", "gen_ai.output.messages",
            "gen_ai.system_instructions", "gen_ai.tool.definitions", "gen_ai.retrieval.documents",
            "gen_ai.tool.call.arguments", "gen_ai.tool.call.result");

    private OtlpMapper() {}

    /**
     * @param root a parsed JSON document
     * @return true if it looks like OTLP/JSON trace data
     */
    public static boolean looksLikeOtlp(JsonNode root) {
        return root != null && root.isObject()
                && (root.has("resourceSpans") || root.has("scopeSpans") || root.has("instrumentationLibrarySpans"));
    }

    /**
     * @param root an {@code ExportTraceServiceRequest} (or one {@code ResourceSpans})
     * @param experimentId the experiment the traces are logged to
     * @return the traces, one per OTLP trace id, in the order their first span appears
     * @throws InvalidInputException if the document is not OTLP trace data or a span lacks its ids
     */
    public static List<Trace> readTraces(JsonNode root, String experimentId) {
        return map(root, resource -> experimentId, true).traces();
    }

    /**
     * @param request a parsed protobuf {@code ExportTraceServiceRequest}
     * @param experimentId the experiment the traces are logged to
     * @return the traces, one per OTLP trace id, in the order their first span appears
     * @throws InvalidInputException if a span's ids are missing or of the wrong length
     */
    public static List<Trace> readTraces(ExportTraceServiceRequest request, String experimentId) {
        Collector c = new Collector(resource -> experimentId, true);
        OtlpProtoReader.read(request, c);
        return c.result().traces();
    }

    /**
     * What one OTLP request maps to.
     *
     * @param traces the (possibly partial) traces, one per OTLP trace id and experiment
     * @param acceptedSpans spans mapped
     * @param rejectedSpans spans that could not be mapped (OTLP's {@code partial_success.rejected_spans})
     * @param rejectionMessage why the first rejected span was rejected, or null
     */
    public record Result(List<Trace> traces, long acceptedSpans, long rejectedSpans, String rejectionMessage) {}

    /**
     * Maps a request leniently: a span that cannot be mapped (ids missing or of the wrong length, a malformed
     * time) is counted as rejected and the others are kept.
     *
     * @param root an {@code ExportTraceServiceRequest} in the OTLP/JSON mapping ({@link OtlpDecoder} output)
     * @param experimentOf the experiment id for a resource's attributes (routing)
     * @return the traces and the rejected-span count
     * @throws InvalidInputException if the document is not OTLP trace data at all
     */
    public static Result map(JsonNode root, Function<Map<String, Object>, String> experimentOf) {
        return map(root, experimentOf, false);
    }

    /**
     * Maps a parsed protobuf request leniently (the same result as {@link #map(JsonNode, Function)} of its
     * OTLP/JSON form, without building that form).
     *
     * @param request the parsed request
     * @param experimentOf the experiment id for a resource's attributes (routing)
     * @return the traces and the rejected-span count
     */
    public static Result map(ExportTraceServiceRequest request, Function<Map<String, Object>, String> experimentOf) {
        Collector c = new Collector(experimentOf, false);
        OtlpProtoReader.read(request, c);
        return c.result();
    }

    private static Result map(JsonNode root, Function<Map<String, Object>, String> experimentOf, boolean strict) {
        if (!looksLikeOtlp(root)) {
            if (!strict && root != null && root.isObject() && root.isEmpty()) {
                return new Result(List.of(), 0, 0, null);
            }
            throw new InvalidInputException("not OTLP/JSON trace data: expected an object with \"resourceSpans\"");
        }
        Collector c = new Collector(experimentOf, strict);
        OtlpJsonReader.read(root, c);
        return c.result();
    }

    /**
     * Builds a trace's info from its spans (as known so far): state, times, previews, token usage, session, user.
     *
     * @param traceId the MLflow trace id
     * @param experimentId its experiment
     * @param spans its spans
     * @param resource the resource attributes of its first batch
     * @return the trace
     */
    public static Trace assemble(String traceId, String experimentId, List<Span> spans, Map<String, Object> resource) {
        return TraceInfoBuilder.trace(traceId, experimentId, spans, resource);
    }

    /** Groups mapped spans by experiment and trace, counting rejected ones. */
    private static final class Collector implements OtlpSpan.Visitor {
        private final Function<Map<String, Object>, String> experimentOf;
        private final boolean strict;
        private final Map<String, List<Span>> byTrace = new LinkedHashMap<>();
        private final Map<String, Map<String, Object>> resourceByTrace = new HashMap<>();
        private final Map<String, String> experimentByTrace = new HashMap<>();
        private Map<String, Object> resource = Map.of();
        private String experimentId;
        private long accepted;
        private long rejected;
        private String firstError;

        Collector(Function<Map<String, Object>, String> experimentOf, boolean strict) {
            this.experimentOf = experimentOf;
            this.strict = strict;
        }

        @Override
        public void resource(Map<String, Object> attributes) {
            resource = attributes;
            experimentId = experimentOf.apply(attributes);
        }

        @Override
        public void span(OtlpSpan s) {
            Span span;
            try {
                span = OtlpMapper.span(s);
            } catch (InvalidInputException | IllegalArgumentException e) {
                rejected(e.getMessage());
                return;
            }
            String key = experimentId + "/" + span.traceId();
            List<Span> spans = byTrace.get(key);
            if (spans == null) {
                spans = new ArrayList<>();
                byTrace.put(key, spans);
                resourceByTrace.put(key, resource);
                experimentByTrace.put(key, experimentId);
            }
            spans.add(span);
            accepted++;
        }

        @Override
        public void rejected(String message) {
            if (strict) {
                throw new InvalidInputException(message);
            }
            rejected++;
            if (firstError == null) {
                firstError = message;
            }
        }

        Result result() {
            List<Trace> traces = new ArrayList<>(byTrace.size());
            byTrace.forEach((key, spans) -> traces.add(TraceInfoBuilder.trace(spans.get(0).traceId(),
                    experimentByTrace.get(key), spans, resourceByTrace.get(key))));
            return new Result(traces, accepted, rejected, firstError);
        }
    }

    /**
     * One read span mapped to an MLflow span. The readers hand each span a fresh {@link LinkedHashMap} of
     * attributes that nothing else holds: it is decoded and trimmed in place (one map copy less per span, on the
     * ingest hot path); any other map is copied first.
     */
    static Span span(OtlpSpan s) {
        Map<String, Object> attrs = s.attributes() instanceof LinkedHashMap<String, Object> owned ? owned
                : new LinkedHashMap<>(s.attributes());
        attrs.replaceAll((k, v) -> JSON_ATTRIBUTES.contains(k) ? decodeAnyJson(v) : v);
        String type = ConventionSpanTypes.spanType(attrs);
        Object inputs = GenAiContent.inputs(type, attrs, s.events());
        Object outputs = GenAiContent.outputs(type, attrs, s.events());
        Map<String, Object> usage = GenAiContent.tokenUsage(attrs);
        attrs.remove(Span.ATTR_SPAN_TYPE);
        attrs.remove(Span.ATTR_SPAN_INPUTS);
        attrs.remove(Span.ATTR_SPAN_OUTPUTS);
        if (usage != null) {
            attrs.putIfAbsent("mlflow.chat.tokenUsage", usage);
        }
        attrs.putIfAbsent("otel.span.kind", s.kind());
        return new Span("tr-" + s.traceIdHex(), s.spanIdHex(), s.parentSpanIdHex(), s.name(), s.startTimeUnixNano(),
                s.endTimeUnixNano(), s.status(), type, inputs, outputs, attrs, s.events());
    }

    /** A string holding a JSON object or array becomes that value; anything else is kept as it is. */
    static Object decodeAnyJson(Object v) {
        if (v instanceof String s) {
            String t = s.strip();
            if (t.startsWith("{") || t.startsWith("[") || (t.startsWith("\"") && t.endsWith("\""))) {
                Object parsed = JsonText.parseOrKeep(t);
                return parsed == t ? s : parsed;
            }
        }
        return v;
    }

    static String unquote(String t) {
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }
}
