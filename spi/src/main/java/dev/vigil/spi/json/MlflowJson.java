package dev.vigil.spi.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.time.Instant;

/**
 * Reads and writes traces and assessments in MLflow's JSON ({@code Trace.to_json()}:
 * {@code {"info": {...}, "data": {"spans": [...]}}}).
 *
 * <p>Reading accepts the MLflow 3 dict form (hex ids, integer nanoseconds), the older MLflow 3 form (base64 ids,
 * nanoseconds as strings) and the MLflow 2 form ({@code request_id}, {@code context{span_id, trace_id}},
 * {@code parent_id}, {@code start_time}, {@code status_code}). Writing always produces the MLflow 3 dict form.
 * Base64 span ids (8 bytes) and trace ids (16 bytes) are turned into hex; ids that are neither hex nor such
 * base64 (e.g. redacted ones) are kept as they are. The REST/proto form ({@code {"trace": {"trace_info": {...},
 * "spans": [...]}}}, spans as OpenTelemetry protobuf JSON, durations such as {@code "32.583s"}) is read too.
 *
 * <p>This class is the public entry point; the work is split by dialect: {@code MlflowTraceReader} (trace and
 * info forms), {@code MlflowSpanReader} (V3, V2 and REST span forms), {@code MlflowAssessmentReader}, and
 * {@code MlflowJsonWriter}.
 */
public final class MlflowJson {

    private MlflowJson() {}

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
        return MlflowTraceReader.readTrace(root);
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
        return MlflowTraceReader.readInfo(n);
    }

    /**
     * @param a an MLflow assessment dict
     * @param defaultTraceId the trace id to use when the dict has none
     * @return the assessment
     */
    public static Assessment readAssessment(JsonNode a, String defaultTraceId) {
        return MlflowAssessmentReader.readAssessment(a, defaultTraceId);
    }

    /**
     * @param a MLflow assessment JSON text
     * @return the assessment
     */
    public static Assessment readAssessment(String a) {
        return readAssessment(Json.readTree(a), null);
    }

    /**
     * @param trace a trace
     * @return its MLflow 3 dict form as a Jackson tree
     */
    public static ObjectNode toTree(Trace trace) {
        return MlflowJsonWriter.toTree(trace);
    }

    /**
     * @param trace a trace
     * @return its MLflow 3 dict JSON text
     */
    public static String writeTrace(Trace trace) {
        return MlflowJsonWriter.writeTrace(trace);
    }

    /**
     * @param a an assessment
     * @return its MLflow dict form
     */
    public static ObjectNode assessmentTree(Assessment a) {
        return MlflowJsonWriter.assessmentTree(a);
    }

    /**
     * @param a an assessment
     * @return its MLflow dict JSON text
     */
    public static String writeAssessment(Assessment a) {
        return MlflowJsonWriter.writeAssessment(a);
    }

    /**
     * @param t an instant
     * @return ISO-8601 with milliseconds and {@code Z}, as MLflow writes
     */
    public static String formatTime(Instant t) {
        return MlflowJsonWriter.formatTime(t);
    }
}
