package dev.vigil.spi.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.vigil.spi.json.MlflowJsonFields.*;

/**
 * Reads a whole MLflow trace in any of the forms MLflow writes: the MLflow 3 dict ({@code {"info", "data":
 * {"spans"}}}), the MLflow 2 dict ({@code request_id}, V2 spans), and the REST/proto form ({@code {"trace":
 * {"trace_info", "spans"}}} or {@code {"trace_info", "spans"}}, spans as OpenTelemetry protobuf JSON), plus a
 * trace info alone.
 */
final class MlflowTraceReader {

    private MlflowTraceReader() {}

    static Trace readTrace(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("an MLflow trace is a JSON object {\"info\": {...}, \"data\": {\"spans\": [...]}}");
        }
        if (root.has("trace") && root.get("trace").isObject() && !root.has("info")) {
            root = root.get("trace"); // the REST response: {"trace": {"trace_info": ..., "spans": [...]}}
        }
        boolean rest = !root.has("info") && root.has("trace_info");
        JsonNode infoNode = rest ? root.get("trace_info") : root.get("info");
        if (infoNode == null || !infoNode.isObject()) {
            throw new InvalidInputException("MLflow trace JSON has no \"info\" object (nor the REST form's"
                    + " \"trace_info\")");
        }
        TraceInfo info = readInfo(infoNode);
        List<Span> spans = new ArrayList<>();
        JsonNode data = rest ? null : root.get("data");
        JsonNode spanNodes = rest ? root.get("spans") : data == null ? null : data.get("spans");
        if (data != null && data.isTextual()) {
            spanNodes = Json.readTree(data.textValue()).get("spans");
        }
        if (spanNodes != null && !spanNodes.isNull()) {
            if (!spanNodes.isArray()) {
                throw new InvalidInputException((rest ? "\"spans\"" : "\"data.spans\"") + " must be an array");
            }
            for (JsonNode s : spanNodes) {
                spans.add(MlflowSpanReader.readSpan(s, info.traceId()));
            }
        }
        return new Trace(info, spans);
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
                assessments.add(MlflowAssessmentReader.readAssessment(a, traceId));
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
}
