package dev.vigil.spi.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.ExpectationValue;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static dev.vigil.spi.json.MlflowJsonFields.*;

/** Writes traces and assessments in the MLflow 3 dict form, times as ISO-8601 with milliseconds. */
final class MlflowJsonWriter {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private MlflowJsonWriter() {}

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
}
