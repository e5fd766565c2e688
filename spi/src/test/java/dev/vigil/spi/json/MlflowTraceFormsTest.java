package dev.vigil.spi.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.RetrievedDocument;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MLflow trace forms beyond the common V3 dict (issue #18): the shapes MLflow's own readers accept. */
class MlflowTraceFormsTest {

    private static final String INFO_V3 = """
            {"trace_id": "tr-1", "trace_location": {"type": "MLFLOW_EXPERIMENT",
             "mlflow_experiment": {"experiment_id": "0"}}, "request_time": "2025-02-01T10:00:00.000Z",
             "execution_duration": "32.583s", "state": "OK",
             "trace_metadata": [{"key": "mlflow.trace.session", "value": "s-1"}],
             "tags": [{"key": "mlflow.traceName", "value": "chat"}], "assessments": []}""";

    /** MLflow's TraceInfoV2 / REST form names: request_id, timestamp_ms, execution_time_ms, status, request_metadata. */
    private static final String INFO_V2 = """
            {"request_id": "tr-2", "experiment_id": "5", "timestamp_ms": 1738404000000, "execution_time_ms": 120,
             "status": "ERROR", "request_metadata": {"mlflow.sourceRun": "r1"}, "tags": {"env": "prod"}}""";

    @Test
    void traceInfoAlone_readsV3WithKeyValueListsAndAProtoDuration() {
        TraceInfo info = MlflowJson.readTraceInfo(INFO_V3);
        assertThat(info.traceId()).isEqualTo("tr-1");
        assertThat(info.experimentId()).isEqualTo("0");
        assertThat(info.executionDurationMs()).isEqualTo(32_583L);
        assertThat(info.traceMetadata()).containsEntry("mlflow.trace.session", "s-1");
        assertThat(info.tags()).containsEntry("mlflow.traceName", "chat");
    }

    @Test
    void traceInfoAlone_readsTheV2Names() {
        TraceInfo info = MlflowJson.readTraceInfo(INFO_V2);
        assertThat(info.traceId()).isEqualTo("tr-2");
        assertThat(info.timestampMs()).isEqualTo(1_738_404_000_000L);
        assertThat(info.executionDurationMs()).isEqualTo(120L);
        assertThat(info.state()).isEqualTo(TraceState.ERROR);
        assertThat(info.traceMetadata()).containsEntry("mlflow.sourceRun", "r1");
    }

    @Test
    void traceInfoAlone_rejectsANonObject() {
        assertThatThrownBy(() -> MlflowJson.readTraceInfo("[1]")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("trace info is a JSON object");
    }

    @Test
    void v2Span_withOpenTelemetrysNumericStatusCode_isRead() {
        String json = """
                {"info": %s, "data": {"spans": [
                  {"name": "root", "context": {"trace_id": "0x5b8aa5a2d2c872e8321cf37308d69df2",
                   "span_id": "0x051581bf3cb55c13"}, "parent_id": null, "start_time": 1738404000000000000,
                   "end_time": 1738404000120000000, "status": {"status_code": 1, "description": ""},
                   "attributes": {"mlflow.spanType": "\\"CHAIN\\""}},
                  {"name": "llm", "context": {"trace_id": "0x5b8aa5a2d2c872e8321cf37308d69df2",
                   "span_id": "0x051581bf3cb55c14"}, "parent_id": "0x051581bf3cb55c13",
                   "start_time": 1738404000000000000, "end_time": 1738404000100000000,
                   "status_code": 2, "status_message": "rate limited", "attributes": {}}]}}""".formatted(INFO_V2);
        Trace t = MlflowJson.readTrace(json);
        assertThat(t.spans().get(0).status().code()).isEqualTo(SpanStatusCode.OK);
        assertThat(t.spans().get(1).status().code()).isEqualTo(SpanStatusCode.ERROR);
        assertThat(MlflowJson.readTrace(MlflowJson.writeTrace(t))).isEqualTo(t);
    }

    @Test
    void unknownNumericStatusCode_namesTheAllowedCodes() {
        String json = """
                {"info": %s, "data": {"spans": [{"name": "root", "context": {"span_id": "0x051581bf3cb55c13"},
                 "start_time": 1, "end_time": 2, "status_code": 7}]}}""".formatted(INFO_V2);
        assertThatThrownBy(() -> MlflowJson.readTrace(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'7'").hasMessageContaining("1, 2, 0");
    }

    @Test
    void feedbackWithBothValueAndError_keepsBoth_throughImportAndExport() {
        // MLflow's Feedback(value=..., error=...) keeps both (e.g. a judge that returned a value and a warning)
        String a = """
                {"assessment_id": "a-1", "assessment_name": "correctness", "trace_id": "tr-2",
                 "source": {"source_type": "LLM_JUDGE", "source_id": "gpt-4o"},
                 "create_time": "2025-02-01T10:00:00.000Z", "last_update_time": "2025-02-01T10:00:00.000Z",
                 "feedback": {"value": "yes", "error": {"error_code": "PARTIAL", "error_message": "truncated"}},
                 "rationale": "ok", "metadata": {}, "valid": true}""";
        Assessment read = MlflowJson.readAssessment(a);
        FeedbackValue f = (FeedbackValue) read.value();
        assertThat(f.value()).isEqualTo("yes");
        assertThat(f.error().code()).isEqualTo("PARTIAL");
        assertThat(f.isError()).isTrue();
        Assessment again = MlflowJson.readAssessment(MlflowJson.writeAssessment(read));
        assertThat(again).isEqualTo(read);
    }

    @Test
    void retrievalDocuments_inMlflowsDocumentForms_keepTheirUri() {
        String json = """
                {"info": %s, "data": {"spans": [
                  {"name": "retrieve", "span_id": "a1", "trace_id": "tr-2", "parent_span_id": null,
                   "start_time_unix_nano": 1, "end_time_unix_nano": 2, "status": {"code": "STATUS_CODE_OK"},
                   "attributes": {"mlflow.spanType": "\\"RETRIEVER\\"", "mlflow.spanOutputs":
                     "[{\\"content\\": \\"Paris is the capital\\", \\"doc_uri\\": \\"wiki/paris\\"}, {\\"page_content\\": \\"Lyon\\", \\"uri\\": \\"wiki/lyon\\"}, {\\"page_content\\": \\"Nice\\", \\"metadata\\": {\\"doc_uri\\": \\"wiki/nice\\"}}]"}}]}}
                """.formatted(INFO_V2);
        Trace t = MlflowJson.readTrace(json);
        List<RetrievedDocument> docs = ScorerInput.of(t).retrievalContext().values().iterator().next();
        assertThat(docs).extracting(RetrievedDocument::content).containsExactly("Paris is the capital", "Lyon", "Nice");
        assertThat(docs).extracting(RetrievedDocument::docUri).containsExactly("wiki/paris", "wiki/lyon", "wiki/nice");
    }
}
