package dev.vigil.spi.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.model.ExpectationValue;
import dev.vigil.spi.model.FeedbackValue;
import java.time.Instant;

import static dev.vigil.spi.json.MlflowJsonFields.*;

/** Reads an MLflow assessment dict (feedback with value and/or error, expectation, source, times). */
final class MlflowAssessmentReader {

    private MlflowAssessmentReader() {}

    static Assessment readAssessment(JsonNode a, String defaultTraceId) {
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
}
