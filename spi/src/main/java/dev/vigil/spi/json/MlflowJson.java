package dev.vigil.spi.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.model.ExpectationValue;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes traces and assessments in MLflow's JSON ({@code Trace.to_json()}:
 * {@code {"info": {...}, "data": {"spans": [...]}}}).
 *
 * <p>Reading accepts the MLflow 3 dict form (hex ids, integer nanoseconds), the older MLflow 3 form (base64 ids,
 * nanoseconds as strings) and the MLflow 2 form ({@code request_id}, {@code context{span_id, trace_id}},
 * {@code parent_id}, {@code start_time}, {@code status_code}). Writing always produces the MLflow 3 dict form.
 * Base64 span ids (8 bytes) and trace ids (16 bytes) are turned into hex; ids that are neither hex nor such
 * base64 (e.g. redacted ones) are kept as they are.
 */
public final class MlflowJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    private MlflowJson() {}

    // ------------------------------------------------------------------ reading

    /**
     * @param json MLflow trace JSON text
     * @return the trace
     * @throws InvalidInputException if the text is not JSON or not a trace, saying which field is wrong
     */
    public static Trace readTrace(String json) {
        return readTrace(Json.readTree(json));
    }

    /**
     * @param root a parsed MLflow trace
     * @return the trace
     * @throws InvalidInputException if it is not a trace, saying which field is wrong
     */
    public static Trace readTrace(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("an MLflow trace is a JSON object {\"info\": {...}, \"data\": {\"spans\": [...]}}");
        }
        JsonNode infoNode = root.get("info");
        if (infoNode == null || !infoNode.isObject()) {
            throw new InvalidInputException("MLflow trace JSON has no \"info\" object");
        }
        TraceInfo info = readInfo(infoNode);
        List<Span> spans = new ArrayList<>();
        JsonNode data = root.get("data");
        JsonNode spanNodes = data == null ? null : data.get("spans");
        if (data != null && data.isTextual()) {
            spanNodes = Json.readTree(data.textValue()).get("spans");
        }
        if (spanNodes != null && !spanNodes.isNull()) {
            if (!spanNodes.isArray()) {
                throw new InvalidInputException("\"data.spans\" must be an array");
            }
            for (JsonNode s : spanNodes) {
                spans.add(readSpan(s, info.traceId()));
            }
        }
        return new Trace(info, spans);
    }

    /**
     * Reads a trace's info alone, as MLflow's {@code TraceInfo.to_dict()} (V3), {@code TraceInfoV2} or the REST/proto
     * form writes it (what {@code search_traces} returns without spans).
     *
     * @param json the info object's JSON text
     * @return the trace info
     * @throws InvalidInputException if the text is not JSON or not a trace info, saying which field is wrong
     */
    public static TraceInfo readTraceInfo(String json) {
        return readTraceInfo(Json.readTree(json));
    }

    /**
     * @param n a parsed trace info object
     * @return the trace info
     * @throws InvalidInputException if it is not a trace info, saying which field is wrong
     */
    public static TraceInfo readTraceInfo(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new InvalidInputException("an MLflow trace info is a JSON object {\"trace_id\": ..., ...}");
        }
        return readInfo(n);
    }

    static TraceInfo readInfo(JsonNode n) {
        String traceId = text(n, "trace_id");
        if (traceId == null) {
            traceId = text(n, "request_id");
        }
        String experimentId = null;
        JsonNode loc = n.get("trace_location");
        if (loc != null && loc.isObject()) {
            JsonNode exp = loc.get("mlflow_experiment");
            if (exp != null) {
                experimentId = text(exp, "experiment_id");
            }
        }
        if (experimentId == null) {
            experimentId = text(n, "experiment_id");
        }
        Instant requestTime = null;
        JsonNode rt = n.get("request_time");
        if (rt != null && !rt.isNull()) {
            requestTime = rt.isNumber() ? Instant.ofEpochMilli(rt.longValue()) : parseInstant(rt.asText(), "request_time");
        } else if (n.hasNonNull("timestamp_ms")) {
            requestTime = Instant.ofEpochMilli(longValue(n.get("timestamp_ms"), "timestamp_ms"));
        }
        Long duration = null;
        if (n.hasNonNull("execution_duration_ms")) {
            duration = longValue(n.get("execution_duration_ms"), "execution_duration_ms");
        } else if (n.hasNonNull("execution_time_ms")) {
            duration = longValue(n.get("execution_time_ms"), "execution_time_ms");
        } else if (n.hasNonNull("execution_duration")) {
            duration = protoDurationMs(n.get("execution_duration").asText());
        }
        TraceState state = readState(text(n, "state") != null ? text(n, "state") : text(n, "status"));
        Map<String, String> metadata = stringMap(n.has("trace_metadata") ? n.get("trace_metadata") : n.get("request_metadata"));
        Map<String, String> tags = stringMap(n.get("tags"));
        List<Assessment> assessments = new ArrayList<>();
        JsonNode as = n.get("assessments");
        if (as != null && as.isArray()) {
            for (JsonNode a : as) {
                assessments.add(readAssessment(a, traceId));
            }
        }
        return new TraceInfo(traceId, experimentId, requestTime, duration, state, text(n, "request_preview"),
                text(n, "response_preview"), text(n, "client_request_id"), metadata, tags, assessments);
    }

    private static TraceState readState(String s) {
        if (s == null) {
            return TraceState.STATE_UNSPECIFIED;
        }
        return switch (s) {
            case "OK" -> TraceState.OK;
            case "ERROR" -> TraceState.ERROR;
            case "IN_PROGRESS" -> TraceState.IN_PROGRESS;
            case "STATE_UNSPECIFIED", "TRACE_STATUS_UNSPECIFIED", "" -> TraceState.STATE_UNSPECIFIED;
            default -> throw new InvalidInputException("unknown trace state '" + s
                    + "'; allowed: OK, ERROR, IN_PROGRESS, STATE_UNSPECIFIED");
        };
    }

    static Span readSpan(JsonNode s, String mlflowTraceId) {
        if (!s.isObject()) {
            throw new InvalidInputException("each span must be a JSON object");
        }
        boolean v2 = s.has("context");
        String spanId;
        String parent;
        long start;
        long end;
        SpanStatus status;
        if (v2) {
            JsonNode ctx = s.get("context");
            spanId = normaliseId(text(ctx, "span_id"), 8);
            parent = normaliseId(text(s, "parent_id"), 8);
            start = nanos(s.get("start_time"), "start_time");
            end = nanos(s.get("end_time"), "end_time");
            String code = text(s, "status_code");
            if (code == null && s.get("status") != null && s.get("status").isObject()) {
                code = text(s.get("status"), "status_code");
            }
            status = new SpanStatus(statusCode(code), text(s, "status_message"));
        } else {
            spanId = normaliseId(text(s, "span_id"), 8);
            parent = normaliseId(text(s, "parent_span_id"), 8);
            start = nanos(s.get("start_time_unix_nano"), "start_time_unix_nano");
            end = nanos(s.get("end_time_unix_nano"), "end_time_unix_nano");
            JsonNode st = s.get("status");
            status = st == null || st.isNull() ? SpanStatus.UNSET
                    : st.isTextual() ? new SpanStatus(statusCode(st.textValue()), "")
                    : new SpanStatus(statusCode(text(st, "code")), text(st, "message"));
        }
        if (parent != null && parent.isEmpty()) {
            parent = null;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        JsonNode attrs = s.get("attributes");
        if (attrs != null && attrs.isObject()) {
            attrs.properties().forEach(e -> attributes.put(e.getKey(), decodeAttribute(e.getValue())));
        }
        Object spanType = attributes.remove(Span.ATTR_SPAN_TYPE);
        if (spanType == null && s.hasNonNull("span_type")) {
            spanType = s.get("span_type").asText();
        }
        Object inputs = attributes.containsKey(Span.ATTR_SPAN_INPUTS) ? attributes.remove(Span.ATTR_SPAN_INPUTS)
                : s.has("inputs") ? Json.fromNode(s.get("inputs")) : null;
        Object outputs = attributes.containsKey(Span.ATTR_SPAN_OUTPUTS) ? attributes.remove(Span.ATTR_SPAN_OUTPUTS)
                : s.has("outputs") ? Json.fromNode(s.get("outputs")) : null;
        List<SpanEvent> events = new ArrayList<>();
        JsonNode evs = s.get("events");
        if (evs != null && evs.isArray()) {
            for (JsonNode e : evs) {
                JsonNode t = e.has("time_unix_nano") ? e.get("time_unix_nano") : e.get("timestamp");
                @SuppressWarnings("unchecked")
                Map<String, Object> ea = e.has("attributes") ? (Map<String, Object>) Json.fromNode(e.get("attributes")) : Map.of();
                events.add(new SpanEvent(text(e, "name"), t == null ? 0 : nanos(t, "event time"), ea));
            }
        }
        return new Span(mlflowTraceId, spanId, parent, text(s, "name"), start, end, status,
                spanType == null ? null : spanType.toString(), inputs, outputs, attributes, events);
    }

    /** MLflow stores attribute values JSON-encoded; a value that is not JSON text is kept as it is. */
    private static Object decodeAttribute(JsonNode v) {
        if (v.isTextual()) {
            String t = v.textValue();
            try {
                return Json.fromNode(Json.mapper().readTree(t));
            } catch (JsonProcessingException | RuntimeException e) {
                return t;
            }
        }
        return Json.fromNode(v);
    }

    private static SpanStatusCode statusCode(String code) {
        if (code == null || code.isEmpty()) {
            return SpanStatusCode.UNSET;
        }
        return switch (code) {
            // OpenTelemetry's numeric codes, as MLflow's V2 and OTLP forms may write them: 0 unset, 1 ok, 2 error
            case "0" -> SpanStatusCode.UNSET;
            case "1" -> SpanStatusCode.OK;
            case "2" -> SpanStatusCode.ERROR;
            case "STATUS_CODE_OK", "OK" -> SpanStatusCode.OK;
            case "STATUS_CODE_ERROR", "ERROR" -> SpanStatusCode.ERROR;
            case "STATUS_CODE_UNSET", "UNSET" -> SpanStatusCode.UNSET;
            default -> throw new InvalidInputException("unknown span status code '" + code
                    + "'; allowed: STATUS_CODE_OK, STATUS_CODE_ERROR, STATUS_CODE_UNSET (or OK, ERROR, UNSET, or 1, 2, 0)");
        };
    }

    /**
     * @param a an MLflow assessment dict
     * @param defaultTraceId the trace id to use when the dict has none
     * @return the assessment
     */
    public static Assessment readAssessment(JsonNode a, String defaultTraceId) {
        String name = text(a, "assessment_name");
        if (name == null) {
            name = text(a, "name");
        }
        String traceId = text(a, "trace_id");
        AssessmentSource source = new AssessmentSource(AssessmentSourceType.SOURCE_TYPE_UNSPECIFIED, "");
        JsonNode src = a.get("source");
        if (src != null && src.isObject()) {
            String type = text(src, "source_type");
            AssessmentSourceType t;
            try {
                t = type == null ? AssessmentSourceType.SOURCE_TYPE_UNSPECIFIED : AssessmentSourceType.valueOf(type);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("unknown assessment source type '" + type
                        + "'; allowed: HUMAN, LLM_JUDGE, CODE, SOURCE_TYPE_UNSPECIFIED");
            }
            source = new AssessmentSource(t, text(src, "source_id"));
        }
        Instant created = a.hasNonNull("create_time") ? readTime(a.get("create_time"), "create_time") : Instant.EPOCH;
        Instant updated = a.hasNonNull("last_update_time") ? readTime(a.get("last_update_time"), "last_update_time") : created;
        dev.vigil.spi.model.AssessmentValue value;
        if (a.hasNonNull("feedback")) {
            JsonNode fb = a.get("feedback");
            JsonNode err = fb.get("error");
            Object v = fb.has("value") ? Json.fromNode(fb.get("value")) : null;
            if (err != null && !err.isNull()) {
                // MLflow keeps both: a judge may return a value and report an error
                value = new FeedbackValue(v, new AssessmentError(orDefault(text(err, "error_code"), "UNKNOWN"),
                        text(err, "error_message"), text(err, "stack_trace")));
            } else {
                value = FeedbackValue.of(v);
            }
        } else if (a.hasNonNull("expectation")) {
            JsonNode ex = a.get("expectation");
            if (ex.hasNonNull("serialized_value")) {
                value = new ExpectationValue(Json.parse(text(ex.get("serialized_value"), "value")));
            } else {
                value = new ExpectationValue(Json.fromNode(ex.get("value")));
            }
        } else {
            throw new InvalidInputException("assessment '" + name + "' has neither \"feedback\" nor \"expectation\"");
        }
        return new Assessment(text(a, "assessment_id"), name, traceId == null ? defaultTraceId : traceId,
                text(a, "span_id"), source, created, updated, value, text(a, "rationale"), stringMap(a.get("metadata")),
                text(a, "overrides"), !a.has("valid") || a.get("valid").asBoolean(true));
    }

    // ------------------------------------------------------------------ writing

    /**
     * @param trace a trace
     * @return its MLflow 3 dict form as a Jackson tree
     */
    public static ObjectNode toTree(Trace trace) {
        ObjectNode root = F.objectNode();
        root.set("info", infoTree(trace.info()));
        ObjectNode data = root.putObject("data");
        ArrayNode spans = data.putArray("spans");
        for (Span s : trace.spans()) {
            spans.add(spanTree(s, trace.info().traceId()));
        }
        return root;
    }

    /**
     * @param trace a trace
     * @return its MLflow 3 dict JSON text
     */
    public static String writeTrace(Trace trace) {
        try {
            return Json.mapper().writeValueAsString(toTree(trace));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a JSON tree always serialises", e);
        }
    }

    static ObjectNode infoTree(TraceInfo info) {
        ObjectNode n = F.objectNode();
        n.put("trace_id", info.traceId());
        n.put("client_request_id", info.clientRequestId());
        ObjectNode loc = n.putObject("trace_location");
        loc.put("type", "MLFLOW_EXPERIMENT");
        loc.putObject("mlflow_experiment").put("experiment_id", info.experimentId());
        n.put("request_time", formatTime(info.requestTime()));
        n.put("state", info.state().name());
        ObjectNode md = n.putObject("trace_metadata");
        info.traceMetadata().forEach(md::put);
        n.put("request_preview", info.requestPreview());
        n.put("response_preview", info.responsePreview());
        if (info.executionDurationMs() != null) {
            n.put("execution_duration_ms", info.executionDurationMs());
        }
        ObjectNode tags = n.putObject("tags");
        info.tags().forEach(tags::put);
        ArrayNode as = n.putArray("assessments");
        info.assessments().forEach(a -> as.add(assessmentTree(a)));
        return n;
    }

    static ObjectNode spanTree(Span s, String mlflowTraceId) {
        ObjectNode n = F.objectNode();
        n.put("trace_id", otelTraceId(mlflowTraceId));
        n.put("span_id", s.spanId());
        n.put("parent_span_id", s.parentSpanId());
        n.put("name", s.name());
        n.put("start_time_unix_nano", s.startTimeUnixNano());
        n.put("end_time_unix_nano", s.endTimeUnixNano());
        ArrayNode events = n.putArray("events");
        for (SpanEvent e : s.events()) {
            ObjectNode en = events.addObject();
            en.put("name", e.name());
            en.put("time_unix_nano", e.timeUnixNano());
            en.set("attributes", Json.toNode(e.attributes()));
        }
        ObjectNode st = n.putObject("status");
        st.put("code", "STATUS_CODE_" + s.status().code().name());
        st.put("message", s.status().message());
        ObjectNode attrs = n.putObject("attributes");
        attrs.put(Span.ATTR_SPAN_TYPE, Json.write(s.spanType()));
        if (s.inputs() != null) {
            attrs.put(Span.ATTR_SPAN_INPUTS, Json.write(s.inputs()));
        }
        if (s.outputs() != null) {
            attrs.put(Span.ATTR_SPAN_OUTPUTS, Json.write(s.outputs()));
        }
        s.attributes().forEach((k, v) -> attrs.put(k, Json.write(v)));
        return n;
    }

    /**
     * @param a an assessment
     * @return its MLflow dict form
     */
    public static ObjectNode assessmentTree(Assessment a) {
        ObjectNode n = F.objectNode();
        n.put("assessment_id", a.assessmentId());
        n.put("assessment_name", a.name());
        n.put("trace_id", a.traceId());
        if (a.spanId() != null) {
            n.put("span_id", a.spanId());
        }
        ObjectNode src = n.putObject("source");
        src.put("source_type", a.source().type().name());
        src.put("source_id", a.source().sourceId());
        n.put("create_time", formatTime(a.createTime()));
        n.put("last_update_time", formatTime(a.lastUpdateTime()));
        if (a.value() instanceof FeedbackValue f) {
            ObjectNode fb = n.putObject("feedback");
            if (f.error() != null) {
                ObjectNode err = fb.putObject("error");
                err.put("error_code", f.error().code());
                err.put("error_message", f.error().message());
                if (f.error().stackTrace() != null) {
                    err.put("stack_trace", f.error().stackTrace());
                }
                if (f.value() != null) {
                    fb.set("value", Json.toNode(f.value()));
                }
            } else {
                fb.set("value", Json.toNode(f.value()));
            }
        } else if (a.value() instanceof ExpectationValue e) {
            n.putObject("expectation").set("value", Json.toNode(e.value()));
        }
        if (a.rationale() != null) {
            n.put("rationale", a.rationale());
        }
        ObjectNode md = n.putObject("metadata");
        a.metadata().forEach(md::put);
        if (a.overrides() != null) {
            n.put("overrides", a.overrides());
        }
        n.put("valid", a.valid());
        return n;
    }

    /**
     * @param a an assessment
     * @return its MLflow dict JSON text
     */
    public static String writeAssessment(Assessment a) {
        try {
            return Json.mapper().writeValueAsString(assessmentTree(a));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen", e);
        }
    }

    /**
     * @param a MLflow assessment JSON text
     * @return the assessment
     */
    public static Assessment readAssessment(String a) {
        return readAssessment(Json.readTree(a), null);
    }

    // ------------------------------------------------------------------ helpers

    /** MLflow V3 trace ids are {@code tr-} + the OpenTelemetry trace id in hex; spans carry the latter. */
    private static String otelTraceId(String mlflowTraceId) {
        return mlflowTraceId.startsWith("tr-") ? mlflowTraceId.substring(3) : mlflowTraceId;
    }

    /**
     * @param id an id as found in a file: hex, or base64 of {@code bytes} bytes, or anything else
     * @param bytes 8 for span ids, 16 for trace ids
     * @return hex for hex or such base64; the id unchanged otherwise
     */
    static String normaliseId(String id, int bytes) {
        if (id == null || id.isEmpty()) {
            return id;
        }
        if (id.startsWith("0x")) {
            return id.substring(2).toLowerCase(java.util.Locale.ROOT);
        }
        if (id.length() == bytes * 2 && isHex(id)) {
            return id.toLowerCase(java.util.Locale.ROOT);
        }
        if (id.length() == ((bytes + 2) / 3) * 4) {
            try {
                byte[] raw = Base64.getDecoder().decode(id);
                if (raw.length == bytes) {
                    return HEX.formatHex(raw);
                }
            } catch (IllegalArgumentException notBase64) {
                // keep as given
            }
        }
        return id;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static long nanos(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return 0;
        }
        return longValue(n, field);
    }

    private static long longValue(JsonNode n, String field) {
        if (n.isNumber()) {
            // exact: 1e30 is refused, never wrapped around to some other number (fractions are cut off)
            try {
                return n.decimalValue().setScale(0, java.math.RoundingMode.DOWN).longValueExact();
            } catch (ArithmeticException e) {
                throw new InvalidInputException("\"" + field + "\" must be an integer between " + Long.MIN_VALUE
                        + " and " + Long.MAX_VALUE + ", got " + n.asText());
            }
        }
        if (n.isTextual()) {
            try {
                return new BigDecimal(n.textValue().trim()).longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw new InvalidInputException("\"" + field + "\" must be an integer, got \"" + n.textValue() + "\"");
            }
        }
        throw new InvalidInputException("\"" + field + "\" must be an integer, got " + n.getNodeType());
    }

    private static long protoDurationMs(String d) {
        String t = d.endsWith("s") ? d.substring(0, d.length() - 1) : d;
        try {
            return new BigDecimal(t).movePointRight(3).setScale(0, java.math.RoundingMode.DOWN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidInputException("\"execution_duration\" must look like \"5.098s\", got \"" + d + "\"");
        }
    }

    private static Instant readTime(JsonNode n, String field) {
        return n.isNumber() ? Instant.ofEpochMilli(n.longValue()) : parseInstant(n.asText(), field);
    }

    private static Instant parseInstant(String s, String field) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(s));
            } catch (NumberFormatException e2) {
                throw new InvalidInputException("\"" + field + "\" must be an ISO-8601 instant such as "
                        + "2025-12-02T16:52:20.818Z or epoch milliseconds, got \"" + s + "\"");
            }
        }
    }

    /**
     * @param t an instant
     * @return ISO-8601 with milliseconds and {@code Z}, as MLflow writes
     */
    public static String formatTime(Instant t) {
        Instant ms = t.truncatedTo(ChronoUnit.MILLIS);
        String s = ms.toString();
        // Instant.toString drops a zero fraction; MLflow always writes milliseconds
        if (ms.getNano() == 0) {
            s = s.substring(0, s.length() - 1) + ".000Z";
        } else if (s.length() - s.indexOf('.') - 2 < 3) {
            String frac = s.substring(s.indexOf('.') + 1, s.length() - 1);
            s = s.substring(0, s.indexOf('.') + 1) + (frac + "000").substring(0, 3) + "Z";
        }
        return s;
    }

    private static Map<String, String> stringMap(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) { // proto form: [{"key": k, "value": v}]
            for (JsonNode e : n) {
                out.put(text(e, "key"), scalarText(e.get("value")));
            }
            return out;
        }
        if (!n.isObject()) {
            throw new InvalidInputException("expected a JSON object of strings, got " + n.getNodeType());
        }
        n.properties().forEach(e -> out.put(e.getKey(), scalarText(e.getValue())));
        return out;
    }

    private static String scalarText(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String orDefault(String s, String d) {
        return s == null ? d : s;
    }
}
