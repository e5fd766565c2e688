package dev.vigil.spi.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The REST/proto form of a trace: MLflow's {@code GetTrace} answer {@code {"trace": {"trace_info": TraceInfoV3,
 * "spans": [opentelemetry.proto.trace.v1.Span]}}} (mlflow/protos/service.proto {@code message Trace}), spans in
 * protobuf JSON: base64 ids, 64-bit times as strings, attributes as a {@code KeyValue} list whose string values hold
 * MLflow's JSON-encoded attribute values.
 */
class MlflowRestFormTest {

    // trace id 0af7651916cd43dd8448eb211c80319c = base64 CvdlGRbNQ92ESOshHIAxnA==; span b7ad6b7169203331 = t61rcWkgMzE=
    static final String REST = """
            {"trace": {
              "trace_info": {
                "trace_id": "tr-0af7651916cd43dd8448eb211c80319c",
                "trace_location": {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "7"}},
                "request_time": "2025-06-10T08:15:30.123Z", "execution_duration": "32.583s", "state": "OK",
                "trace_metadata": {"mlflow.trace.session": "s-1"}, "tags": {"env": "prod"},
                "request_preview": "{\\"q\\": \\"refund?\\"}", "response_preview": "\\"yes\\""
              },
              "spans": [{
                "trace_id": "CvdlGRbNQ92ESOshHIAxnA==", "span_id": "t61rcWkgMzE=", "parent_span_id": "",
                "name": "agent", "kind": "SPAN_KIND_INTERNAL",
                "start_time_unix_nano": "1749543330123000000", "end_time_unix_nano": "1749543362706000000",
                "attributes": [
                  {"key": "mlflow.spanType", "value": {"string_value": "\\"AGENT\\""}},
                  {"key": "mlflow.spanInputs", "value": {"string_value": "{\\"q\\": \\"refund?\\"}"}},
                  {"key": "mlflow.spanOutputs", "value": {"string_value": "\\"yes\\""}},
                  {"key": "retries", "value": {"int_value": "2"}},
                  {"key": "tags", "value": {"array_value": {"values": [{"string_value": "a"}]}}}
                ],
                "events": [{"time_unix_nano": "1749543331000000000", "name": "note",
                            "attributes": [{"key": "k", "value": {"bool_value": true}}]}],
                "status": {"code": "STATUS_CODE_OK", "message": ""}
              }]
            }}""";

    @Test
    void restGetTraceAnswer_readsInfoSpansAndTheProtoDuration() {
        Trace t = MlflowJson.readTrace(REST);

        assertThat(t.traceId()).isEqualTo("tr-0af7651916cd43dd8448eb211c80319c");
        assertThat(t.experimentId()).isEqualTo("7");
        assertThat(t.info().executionDurationMs()).isEqualTo(32_583L);
        assertThat(t.info().state()).isEqualTo(TraceState.OK);
        assertThat(t.info().tags()).containsEntry("env", "prod");
        assertThat(t.spans()).singleElement().satisfies(s -> {
            assertThat(s.spanId()).isEqualTo("b7ad6b7169203331");
            assertThat(s.parentSpanId()).isNull();
            assertThat(s.spanType()).isEqualTo("AGENT");
            assertThat(s.inputs()).isEqualTo(Map.of("q", "refund?"));
            assertThat(s.outputs()).isEqualTo("yes");
            assertThat(s.attributes()).containsEntry("retries", 2L).containsEntry("tags", List.of("a"));
            assertThat(s.status().code()).isEqualTo(SpanStatusCode.OK);
            assertThat(s.startTimeUnixNano()).isEqualTo(1_749_543_330_123_000_000L);
            assertThat(s.events()).singleElement().satisfies(e -> assertThat(e.attributes()).containsEntry("k", true));
        });
    }

    @Test
    void restForm_withoutTheWrapper_andInCamelCase_readsTheSameTrace() {
        String bare = Json.readTree(REST).get("trace").toString();
        String camel = REST.replace("\"span_id\"", "\"spanId\"").replace("\"trace_id\": \"Cvdl", "\"traceId\": \"Cvdl")
                .replace("start_time_unix_nano", "startTimeUnixNano").replace("end_time_unix_nano", "endTimeUnixNano")
                .replace("string_value", "stringValue").replace("int_value", "intValue")
                .replace("array_value", "arrayValue").replace("bool_value", "boolValue");

        Trace expected = MlflowJson.readTrace(REST);
        assertThat(MlflowJson.readTrace(bare)).isEqualTo(expected);
        assertThat(MlflowJson.readTrace(camel)).isEqualTo(expected);
    }

    @Test
    void restForm_roundTripsThroughTheV3DictWithoutLoss() {
        Trace fromRest = MlflowJson.readTrace(REST);

        assertThat(MlflowJson.readTrace(MlflowJson.writeTrace(fromRest))).isEqualTo(fromRest);
    }

    @Test
    void restForm_withABadIntValue_namesTheField() {
        String bad = REST.replace("{\"int_value\": \"2\"}", "{\"int_value\": \"two\"}");

        assertThatThrownBy(() -> MlflowJson.readTrace(bad)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("int_value").hasMessageContaining("two");
    }
}
