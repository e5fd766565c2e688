package dev.vigil.otel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads OTLP/JSON trace exports ({@code ExportTraceServiceRequest}: {@code {"resourceSpans": [...]}}) into MLflow
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
 */
public final class OtlpMapper {

    /** The metadata key naming where an imported trace came from. */
    public static final String METADATA_SOURCE = "vigil.import.source";

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern INDEXED = Pattern.compile("gen_ai\\.(prompt|completion)\\.(\\d+)\\.(\\w+)");
    private static final Pattern ROLE_PREFIX = Pattern.compile("^(system|user|assistant|tool|developer):\\s?(.*)$",
            Pattern.DOTALL);
    private static final Pattern EVENT_MESSAGE = Pattern.compile("gen_ai\\.(system|user|assistant|tool)\\.message");
    private static final int PREVIEW = 1000;

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

    private static Result map(JsonNode root, Function<Map<String, Object>, String> experimentOf, boolean strict) {
        if (!looksLikeOtlp(root)) {
            if (!strict && root != null && root.isObject() && root.isEmpty()) {
                return new Result(List.of(), 0, 0, null);
            }
            throw new InvalidInputException("not OTLP/JSON trace data: expected an object with \"resourceSpans\"");
        }
        List<JsonNode> resources = new ArrayList<>();
        if (root.has("resourceSpans")) {
            root.get("resourceSpans").forEach(resources::add);
        } else {
            resources.add(root);
        }
        Map<String, List<Span>> byTrace = new LinkedHashMap<>();
        Map<String, Map<String, Object>> resourceByTrace = new LinkedHashMap<>();
        Map<String, String> experimentByTrace = new LinkedHashMap<>();
        long accepted = 0;
        long rejected = 0;
        String firstError = null;
        for (JsonNode rs : resources) {
            Map<String, Object> resourceAttrs = attributes(rs.path("resource").path("attributes"));
            String experimentId = experimentOf.apply(resourceAttrs);
            JsonNode scopes = rs.has("scopeSpans") ? rs.get("scopeSpans") : rs.path("instrumentationLibrarySpans");
            for (JsonNode ss : scopes) {
                for (JsonNode s : ss.path("spans")) {
                    try {
                        String otelTraceId = id(s.get("traceId"), 16, "traceId");
                        if (otelTraceId.isEmpty() || otelTraceId.chars().allMatch(c -> c == '0')) {
                            throw new InvalidInputException("OTLP span has an empty or all-zero traceId");
                        }
                        String traceId = "tr-" + otelTraceId;
                        String key = experimentId + "/" + traceId;
                        Span span = span(s, traceId);
                        byTrace.computeIfAbsent(key, k -> new ArrayList<>()).add(span);
                        resourceByTrace.putIfAbsent(key, resourceAttrs);
                        experimentByTrace.putIfAbsent(key, experimentId);
                        accepted++;
                    } catch (InvalidInputException | IllegalArgumentException e) {
                        if (strict) {
                            throw e;
                        }
                        rejected++;
                        if (firstError == null) {
                            firstError = e.getMessage();
                        }
                    }
                }
            }
        }
        List<Trace> traces = new ArrayList<>();
        byTrace.forEach((key, spans) -> traces.add(trace(spans.get(0).traceId(), experimentByTrace.get(key),
                spans, resourceByTrace.get(key))));
        return new Result(traces, accepted, rejected, firstError);
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
        return trace(traceId, experimentId, spans, resource);
    }

    private static Trace trace(String traceId, String experimentId, List<Span> spans, Map<String, Object> resource) {
        Trace draft = new Trace(new TraceInfo(traceId, experimentId, Instant.EPOCH, null, null, null, null, null,
                null, null, null), spans);
        Span root = draft.rootSpan().orElseThrow();
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
        metadata.put(METADATA_SOURCE, "otlp");
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

    private static Span span(JsonNode s, String traceId) {
        String spanId = id(s.get("spanId"), 8, "spanId");
        String parent = s.hasNonNull("parentSpanId") ? id(s.get("parentSpanId"), 8, "parentSpanId") : null;
        if (parent != null && (parent.isEmpty() || parent.chars().allMatch(c -> c == '0'))) {
            parent = null;
        }
        Map<String, Object> attrs = attributes(s.path("attributes"));
        List<SpanEvent> events = new ArrayList<>();
        for (JsonNode e : s.path("events")) {
            events.add(new SpanEvent(e.path("name").asText(""), longValue(e.get("timeUnixNano")),
                    attributes(e.path("attributes"))));
        }
        String type = spanType(attrs);
        Object inputs = inputs(type, attrs, events);
        Object outputs = outputs(type, attrs, events);
        Map<String, Object> kept = new LinkedHashMap<>();
        attrs.forEach((k, v) -> {
            if (!k.equals(Span.ATTR_SPAN_TYPE) && !k.equals(Span.ATTR_SPAN_INPUTS) && !k.equals(Span.ATTR_SPAN_OUTPUTS)) {
                kept.put(k, decodeJsonText(k, v));
            }
        });
        Map<String, Object> usage = tokenUsage(attrs);
        if (usage != null) {
            kept.putIfAbsent("mlflow.chat.tokenUsage", usage);
        }
        kept.putIfAbsent("otel.span.kind", spanKind(s.get("kind")));
        return Span.builder().traceId(traceId).spanId(spanId).parentSpanId(parent).name(s.path("name").asText(""))
                .startTimeUnixNano(longValue(s.get("startTimeUnixNano")))
                .endTimeUnixNano(longValue(s.get("endTimeUnixNano")))
                .status(status(s.get("status"))).spanType(type).inputs(inputs).outputs(outputs)
                .attributes(kept).events(events).build();
    }

    private static String spanKind(JsonNode kind) {
        if (kind == null || kind.isNull()) {
            return "INTERNAL";
        }
        if (kind.isTextual()) {
            return kind.textValue().replace("SPAN_KIND_", "");
        }
        return switch (kind.asInt()) {
            case 2 -> "SERVER";
            case 3 -> "CLIENT";
            case 4 -> "PRODUCER";
            case 5 -> "CONSUMER";
            default -> "INTERNAL";
        };
    }

    // ------------------------------------------------------------------ span type

    static String spanType(Map<String, Object> attrs) {
        Object mlflow = attrs.get(Span.ATTR_SPAN_TYPE);
        if (mlflow instanceof String t && !t.isBlank()) {
            return unquote(t);
        }
        if (attrs.get("openinference.span.kind") instanceof String kind) {
            String k = kind.toUpperCase(Locale.ROOT);
            return switch (k) {
                case "LLM", "CHAIN", "TOOL", "AGENT", "RETRIEVER", "EMBEDDING", "RERANKER", "GUARDRAIL",
                        "EVALUATOR" -> k;
                default -> SpanTypes.UNKNOWN;
            };
        }
        if (attrs.get("gen_ai.operation.name") instanceof String op) {
            return switch (op) {
                case "chat", "generate_content" -> SpanTypes.CHAT_MODEL;
                case "text_completion" -> SpanTypes.LLM;
                case "embeddings" -> SpanTypes.EMBEDDING;
                case "execute_tool" -> SpanTypes.TOOL;
                case "invoke_agent", "create_agent" -> SpanTypes.AGENT;
                case "retrieval" -> SpanTypes.RETRIEVER;
                default -> SpanTypes.UNKNOWN;
            };
        }
        if (attrs.get("traceloop.span.kind") instanceof String kind) {
            return switch (kind) {
                case "workflow" -> SpanTypes.WORKFLOW;
                case "task" -> SpanTypes.TASK;
                case "agent" -> SpanTypes.AGENT;
                case "tool" -> SpanTypes.TOOL;
                default -> SpanTypes.UNKNOWN;
            };
        }
        if (attrs.get("llm.request.type") instanceof String kind) {
            return switch (kind) {
                case "chat" -> SpanTypes.CHAT_MODEL;
                case "completion" -> SpanTypes.LLM;
                case "embedding" -> SpanTypes.EMBEDDING;
                case "rerank" -> SpanTypes.RERANKER;
                default -> SpanTypes.LLM;
            };
        }
        return SpanTypes.UNKNOWN;
    }

    // ------------------------------------------------------------------ inputs and outputs

    private static Object inputs(String type, Map<String, Object> attrs, List<SpanEvent> events) {
        if (attrs.containsKey(Span.ATTR_SPAN_INPUTS)) {
            return decodeAnyJson(attrs.get(Span.ATTR_SPAN_INPUTS));
        }
        if (OpenInference.present(attrs)) {
            Object oi = OpenInference.inputs(attrs);
            if (oi != null) {
                return oi;
            }
            if (attrs.containsKey("input.value")) {
                return decodeAnyJson(attrs.get("input.value"));
            }
        }
        List<Object> messages = new ArrayList<>();
        Object instructions = decodeAnyJson(attrs.get("gen_ai.system_instructions"));
        if (instructions instanceof List<?> parts && !parts.isEmpty()) {
            messages.add(message("system", parts));
        }
        if (decodeAnyJson(attrs.get("gen_ai.input.messages")) instanceof List<?> list) {
            for (Object m : list) {
                if (m instanceof Map<?, ?> map) {
                    messages.add(message(String.valueOf(map.get("role")), map.get("parts")));
                }
            }
        }
        if (messages.isEmpty()) {
            messages.addAll(indexed(attrs, "prompt"));
        }
        if (messages.isEmpty()) {
            for (SpanEvent e : events) {
                Matcher m = EVENT_MESSAGE.matcher(e.name());
                if (m.matches()) {
                    Map<String, Object> msg = new LinkedHashMap<>();
                    msg.put("role", m.group(1));
                    Object body = eventBody(e);
                    if (body instanceof Map<?, ?> b) {
                        b.forEach((k, v) -> msg.put(String.valueOf(k), v));
                    } else if (body != null) {
                        msg.put("content", body);
                    }
                    if (msg.containsKey("content") || msg.containsKey("tool_calls")) {
                        messages.add(msg);
                    }
                }
            }
        }
        if (messages.isEmpty()) {
            for (SpanEvent e : events) {
                if (e.name().equals("gen_ai.content.prompt") && e.attributes().get("gen_ai.prompt") instanceof String p) {
                    messages.add(roleText(p));
                }
            }
        }
        if (!messages.isEmpty()) {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("messages", messages);
            if (attrs.get("gen_ai.request.model") instanceof String model) {
                in.put("model", model);
            }
            return in;
        }
        if (type.equals(SpanTypes.TOOL) && attrs.containsKey("gen_ai.tool.call.arguments")) {
            return decodeAnyJson(attrs.get("gen_ai.tool.call.arguments"));
        }
        if (attrs.get("gen_ai.retrieval.query.text") instanceof String q) {
            return Map.of("query", q);
        }
        if (attrs.containsKey("input.value")) {
            return decodeAnyJson(attrs.get("input.value"));
        }
        if (attrs.containsKey("traceloop.entity.input")) {
            return decodeAnyJson(attrs.get("traceloop.entity.input"));
        }
        return null;
    }

    private static Object outputs(String type, Map<String, Object> attrs, List<SpanEvent> events) {
        if (attrs.containsKey(Span.ATTR_SPAN_OUTPUTS)) {
            return decodeAnyJson(attrs.get(Span.ATTR_SPAN_OUTPUTS));
        }
        if (OpenInference.present(attrs)) {
            Object oi = OpenInference.outputs(attrs);
            if (oi != null) {
                return oi;
            }
            if (attrs.containsKey("output.value")) {
                return decodeAnyJson(attrs.get("output.value"));
            }
        }
        List<Object> choices = new ArrayList<>();
        if (decodeAnyJson(attrs.get("gen_ai.output.messages")) instanceof List<?> list) {
            for (Object m : list) {
                if (m instanceof Map<?, ?> map) {
                    choices.add(choice(choices.size(), message(String.valueOf(map.get("role")), map.get("parts")),
                            map.get("finish_reason")));
                }
            }
        }
        if (choices.isEmpty()) {
            List<Map<String, Object>> completions = indexed(attrs, "completion");
            for (Map<String, Object> m : completions) {
                Object finish = m.remove("finish_reason");
                choices.add(choice(choices.size(), m, finish));
            }
        }
        if (choices.isEmpty()) {
            for (SpanEvent e : events) {
                if (e.name().equals("gen_ai.choice") && eventBody(e) instanceof Map<?, ?> b
                        && b.get("message") instanceof Map<?, ?> msg && msg.get("content") != null) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("role", msg.get("role") == null ? "assistant" : msg.get("role"));
                    m.put("content", msg.get("content"));
                    choices.add(choice(choices.size(), m, b.get("finish_reason")));
                }
            }
        }
        if (choices.isEmpty()) {
            for (SpanEvent e : events) {
                if (e.name().equals("gen_ai.content.completion")
                        && e.attributes().get("gen_ai.completion") instanceof String c) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("role", "assistant");
                    m.put("content", c);
                    Object finish = attrs.get("gen_ai.response.finish_reasons") instanceof List<?> f && !f.isEmpty()
                            ? f.get(0) : null;
                    choices.add(choice(choices.size(), m, finish));
                }
            }
        }
        if (!choices.isEmpty()) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (attrs.get("gen_ai.response.id") instanceof String id) {
                out.put("id", id);
            }
            out.put("object", "chat.completion");
            if (attrs.get("gen_ai.response.model") instanceof String model) {
                out.put("model", model);
            } else if (attrs.get("gen_ai.request.model") instanceof String model) {
                out.put("model", model);
            }
            out.put("choices", choices);
            Map<String, Object> usage = tokenUsage(attrs);
            if (usage != null) {
                out.put("usage", Map.of("prompt_tokens", usage.get("input_tokens"),
                        "completion_tokens", usage.get("output_tokens"), "total_tokens", usage.get("total_tokens")));
            }
            return out;
        }
        if (attrs.containsKey("gen_ai.tool.call.result")) {
            return decodeAnyJson(attrs.get("gen_ai.tool.call.result"));
        }
        if (decodeAnyJson(attrs.get("gen_ai.retrieval.documents")) instanceof List<?> docs) {
            List<Object> out = new ArrayList<>();
            for (Object d : docs) {
                out.add(document(d));
            }
            return out;
        }
        if (attrs.containsKey("output.value")) {
            return decodeAnyJson(attrs.get("output.value"));
        }
        if (attrs.containsKey("traceloop.entity.output")) {
            return decodeAnyJson(attrs.get("traceloop.entity.output"));
        }
        return null;
    }

    private static Object document(Object d) {
        if (!(d instanceof Map<?, ?> m)) {
            return Map.of("page_content", d instanceof String s ? s : Json.write(d));
        }
        Object content = m.get("content") != null ? m.get("content")
                : m.get("text") != null ? m.get("text") : m.get("page_content");
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (m.get("id") != null) {
            metadata.put("doc_uri", String.valueOf(m.get("id")));
        }
        m.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (!key.equals("content") && !key.equals("text") && !key.equals("page_content") && !key.equals("id")) {
                metadata.put(key, v);
            }
        });
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("page_content", content == null ? "" : content instanceof String s ? s : Json.write(content));
        doc.put("metadata", metadata);
        return doc;
    }

    private static Map<String, Object> choice(int index, Map<String, Object> message, Object finishReason) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("index", (long) index);
        c.put("message", message);
        c.put("finish_reason", finishReason == null ? "stop" : String.valueOf(finishReason));
        return c;
    }

    /** A semantic-conventions message (role + parts) as an OpenAI-style chat message. */
    private static Map<String, Object> message(String role, Object parts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        StringBuilder text = new StringBuilder();
        List<Object> toolCalls = new ArrayList<>();
        String toolCallId = null;
        if (parts instanceof List<?> list) {
            for (Object p : list) {
                if (!(p instanceof Map<?, ?> part)) {
                    continue;
                }
                String type = String.valueOf(part.get("type"));
                switch (type) {
                    case "text" -> {
                        if (!text.isEmpty()) {
                            text.append('\n');
                        }
                        text.append(part.get("content") == null ? "" : part.get("content"));
                    }
                    case "tool_call" -> {
                        Object args = part.get("arguments");
                        toolCalls.add(Map.of("id", String.valueOf(part.get("id")), "type", "function",
                                "function", Map.of("name", String.valueOf(part.get("name")),
                                        "arguments", args instanceof String s ? s : Json.write(args))));
                    }
                    case "tool_call_response" -> {
                        toolCallId = String.valueOf(part.get("id"));
                        Object r = part.get("response");
                        text.append(r instanceof String s ? s : Json.write(r));
                    }
                    default -> { } // reasoning, blobs, uris: not part of the answer text
                }
            }
        } else if (parts instanceof String s) {
            text.append(s);
        }
        m.put("content", text.toString());
        if (!toolCalls.isEmpty()) {
            m.put("tool_calls", toolCalls);
        }
        if (toolCallId != null) {
            m.put("tool_call_id", toolCallId);
        }
        return m;
    }

    private static Map<String, Object> roleText(String text) {
        Matcher m = ROLE_PREFIX.matcher(text);
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("role", m.matches() ? m.group(1) : "user");
        msg.put("content", m.matches() ? m.group(2) : text);
        return msg;
    }

    /** The OpenLLMetry form: {@code gen_ai.prompt.0.role}, {@code gen_ai.prompt.0.content}... */
    private static List<Map<String, Object>> indexed(Map<String, Object> attrs, String kind) {
        TreeMap<Integer, Map<String, Object>> byIndex = new TreeMap<>();
        attrs.forEach((k, v) -> {
            Matcher m = INDEXED.matcher(k);
            if (m.matches() && m.group(1).equals(kind)) {
                byIndex.computeIfAbsent(Integer.parseInt(m.group(2)), i -> new LinkedHashMap<>()).put(m.group(3), v);
            }
        });
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> fields : byIndex.values()) {
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("role", fields.getOrDefault("role", kind.equals("prompt") ? "user" : "assistant"));
            msg.put("content", fields.getOrDefault("content", ""));
            fields.forEach((k, v) -> {
                if (!k.equals("role") && !k.equals("content")) {
                    msg.put(k, v);
                }
            });
            out.add(msg);
        }
        return out;
    }

    /** The older GenAI events' content: a {@code gen_ai.event.content} JSON attribute or plain attributes. */
    private static Object eventBody(SpanEvent e) {
        Object content = e.attributes().get("gen_ai.event.content");
        if (content != null) {
            return decodeAnyJson(content);
        }
        if (e.attributes().containsKey("content") || e.attributes().containsKey("message")) {
            Map<String, Object> out = new LinkedHashMap<>();
            e.attributes().forEach((k, v) -> out.put(k, decodeAnyJson(v)));
            return out;
        }
        return null;
    }

    private static Map<String, Object> tokenUsage(Map<String, Object> attrs) {
        Long[] oi = OpenInference.tokenCounts(attrs);
        Long in = oi[0] != null ? oi[0] : firstLong(attrs, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens");
        Long out = oi[1] != null ? oi[1]
                : firstLong(attrs, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens");
        if (in == null && out == null) {
            return null;
        }
        long i = in == null ? 0 : in;
        long o = out == null ? 0 : out;
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("input_tokens", i);
        usage.put("output_tokens", o);
        usage.put("total_tokens", i + o);
        return usage;
    }

    private static Long firstLong(Map<String, Object> attrs, String... keys) {
        for (String k : keys) {
            if (attrs.get(k) instanceof Number n) {
                return n.longValue();
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ values

    private static final java.util.Set<String> JSON_ATTRIBUTES = java.util.Set.of("gen_ai.input.messages",
            "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.tool.definitions",
            "gen_ai.retrieval.documents", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result");

    private static Object decodeJsonText(String key, Object v) {
        return JSON_ATTRIBUTES.contains(key) ? decodeAnyJson(v) : v;
    }

    /** A string holding a JSON object or array becomes that value; anything else is kept as it is. */
    static Object decodeAnyJson(Object v) {
        if (v instanceof String s) {
            String t = s.strip();
            if (t.startsWith("{") || t.startsWith("[") || (t.startsWith("\"") && t.endsWith("\""))) {
                try {
                    return Json.parse(t);
                } catch (InvalidInputException notJson) {
                    return s;
                }
            }
        }
        return v;
    }

    private static String unquote(String t) {
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    private static SpanStatus status(JsonNode st) {
        if (st == null || !st.isObject() || !st.has("code")) {
            return SpanStatus.UNSET;
        }
        JsonNode code = st.get("code");
        String message = st.path("message").asText("");
        String c = code.isTextual() ? code.textValue() : String.valueOf(code.asInt());
        return switch (c) {
            case "1", "STATUS_CODE_OK", "OK" -> new SpanStatus(SpanStatusCode.OK, message);
            case "2", "STATUS_CODE_ERROR", "ERROR" -> new SpanStatus(SpanStatusCode.ERROR, message);
            default -> new SpanStatus(SpanStatusCode.UNSET, message);
        };
    }

    static Map<String, Object> attributes(JsonNode list) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (list == null || !list.isArray()) {
            return out;
        }
        for (JsonNode kv : list) {
            String key = kv.path("key").asText(null);
            if (key != null) {
                out.put(key, anyValue(kv.get("value")));
            }
        }
        return out;
    }

    /** An OTLP {@code AnyValue} as a plain JSON value. */
    static Object anyValue(JsonNode v) {
        if (v == null || v.isNull() || !v.isObject()) {
            return null;
        }
        if (v.has("stringValue")) {
            return v.get("stringValue").asText();
        }
        if (v.has("boolValue")) {
            return v.get("boolValue").asBoolean();
        }
        if (v.has("intValue")) {
            return longValue(v.get("intValue"));
        }
        if (v.has("doubleValue")) {
            return v.get("doubleValue").asDouble();
        }
        if (v.has("arrayValue")) {
            List<Object> out = new ArrayList<>();
            v.get("arrayValue").path("values").forEach(x -> out.add(anyValue(x)));
            return out;
        }
        if (v.has("kvlistValue")) {
            return attributes(v.get("kvlistValue").path("values"));
        }
        if (v.has("bytesValue")) {
            return v.get("bytesValue").asText();
        }
        return null;
    }

    /** A 64-bit integer as OTLP/JSON writes it (string or number) or as protobuf.js logs it ({low, high}). */
    static long longValue(JsonNode n) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (n.isNumber()) {
            return n.longValue();
        }
        if (n.isTextual()) {
            String t = n.textValue().strip();
            if (t.isEmpty()) {
                return 0;
            }
            try {
                return Long.parseUnsignedLong(t);
            } catch (NumberFormatException e) {
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException e2) {
                    throw new InvalidInputException("not a 64-bit integer: \"" + t + "\"");
                }
            }
        }
        if (n.isObject() && n.has("low") && n.has("high")) {
            return (n.get("high").asLong() << 32) | (n.get("low").asLong() & 0xFFFF_FFFFL);
        }
        throw new InvalidInputException("not a 64-bit integer: " + n);
    }

    /** An id as hex (lower case) from hex, base64, or a protobuf.js Buffer. */
    static String id(JsonNode n, int bytes, String field) {
        if (n == null || n.isNull()) {
            throw new InvalidInputException("an OTLP span has no " + field);
        }
        if (n.isObject() && n.has("data")) {
            byte[] b = new byte[n.get("data").size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) n.get("data").get(i).asInt();
            }
            return HEX.formatHex(b);
        }
        String t = n.asText().strip();
        if (t.isEmpty()) {
            return "";
        }
        if (t.length() == bytes * 2 && t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return t.toLowerCase(Locale.ROOT);
        }
        try {
            byte[] b = Base64.getDecoder().decode(t);
            if (b.length == bytes) {
                return HEX.formatHex(b);
            }
        } catch (IllegalArgumentException notBase64) {
            // fall through
        }
        throw new InvalidInputException("OTLP " + field + " \"" + t + "\" is neither " + bytes * 2
                + " hex digits nor base64 of " + bytes + " bytes");
    }
}
