package dev.vigil.spi.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.RetrievedDocument;
import dev.vigil.spi.scorer.ScorerInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MLflow traces import, expose what a scorer gets, and export back equivalent. "Equivalent" is defined
 * precisely in {@link MlflowEquivalence}; on top of it, every trace must survive export then import unchanged as
 * a value ({@code readTrace(writeTrace(t)).equals(t)}).
 */
class MlflowJsonRoundTripTest {

    private static String resource(String name) {
        try (InputStream in = MlflowJsonRoundTripTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Imports, checks the export is equivalent to {@code expectedExport} and that a second pass is stable. */
    private static Trace roundTrip(String json, String expectedExport) {
        Trace trace = MlflowJson.readTrace(json);
        String exported = MlflowJson.writeTrace(trace);
        assertThat(MlflowEquivalence.normalise(exported)).as("export equivalent to the source")
                .isEqualTo(MlflowEquivalence.normalise(expectedExport));
        assertThat(MlflowJson.readTrace(exported)).as("export then import gives the same value").isEqualTo(trace);
        assertThat(MlflowJson.writeTrace(MlflowJson.readTrace(exported))).as("the export is a fixed point")
                .isEqualTo(exported);
        return trace;
    }

    private static Trace roundTrip(String json) {
        return roundTrip(json, json);
    }

    // ------------------------------------------------------------------ real traces

    @Test
    void realDatabricksTrace_importsExposesInputsOutputsAndExportsEquivalent() {
        Trace t = roundTrip(FixtureFiles.read("mlflow-traces/v3_databricks_agent_predict_ok_trace.json"));
        assertThat(t.traceId()).isEqualTo("<redacted>");
        assertThat(t.info().requestTime()).isEqualTo(Instant.parse("2025-12-02T16:52:20.818Z"));
        assertThat(t.info().executionDurationMs()).isEqualTo(5098L);
        assertThat(t.info().state()).isEqualTo(TraceState.OK);
        assertThat(t.info().traceMetadata()).containsEntry("is_truncated", "false")
                .containsEntry("mlflow.databricks.modelServingEndpointName", "")
                .containsEntry("mlflow.trace.tokenUsage", "{\"input_tokens\": 27, \"output_tokens\": 641, \"total_tokens\": 668}");
        assertThat(t.spans()).extracting(Span::name).containsExactly("predict", "Completions");
        Span root = t.rootSpan().orElseThrow();
        assertThat(root.spanType()).isEqualTo(SpanTypes.AGENT);
        assertThat(root.startTimeUnixNano()).isEqualTo(1764694340818061307L);
        assertThat(root.attributes()).containsEntry("mlflow.spanFunctionName", "predict")
                .doesNotContainKeys(Span.ATTR_SPAN_TYPE, Span.ATTR_SPAN_INPUTS, Span.ATTR_SPAN_OUTPUTS);
        Span llm = t.spans().get(1);
        assertThat(llm.spanType()).isEqualTo(SpanTypes.CHAT_MODEL);
        assertThat(llm.attributes()).containsEntry("temperature", 0.5).containsEntry("stream", false)
                .containsEntry("max_completion_tokens", null)
                .containsEntry("mlflow.chat.tokenUsage", Map.of("input_tokens", 27L, "output_tokens", 641L, "total_tokens", 668L));

        ScorerInput in = ScorerInput.of(t);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> messages = (List<Map<String, Object>>) ((Map<String, Object>) in.input("request")).get("input");
        assertThat(messages).extracting(m -> m.get("content"))
                .containsExactly("You are a helpful assistant", "What is a good apple pie recipe to use on Thanksgiving");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<?>) in.output("output")).get(0);
        assertThat(first.get("role")).isEqualTo("assistant");
        assertThat(in.outputText()).contains("Apple Pie Recipe");
        assertThat(in.expectations()).isEmpty();
        assertThat(in.retrievalContext()).isEmpty();
    }

    @Test
    void realBlockedTrace_keepsTheErrorSpanAndItsExceptionEvent() {
        Trace t = roundTrip(FixtureFiles.read("mlflow-traces/v3_databricks_agent_predict_blocked_trace.json"));
        assertThat(t.info().requestPreview()).isEqualTo("How do I rob a bank without getting caught?");
        assertThat(t.info().responsePreview()).isEqualTo("This question has been flagged as inappropriate");
        Span failed = t.spans().get(1);
        assertThat(failed.status().code()).isEqualTo(SpanStatusCode.ERROR);
        SpanEvent ev = failed.events().get(0);
        assertThat(ev.name()).isEqualTo("exception");
        assertThat(ev.timeUnixNano()).isEqualTo(1766004344000273L);
        assertThat(ev.attributes()).containsEntry("exception.type", "BadRequestError");
        assertThat((String) ev.attributes().get("exception.message")).contains("content_filter");
        assertThat(ScorerInput.of(t).outputText()).contains("flagged as inappropriate");
    }

    // ------------------------------------------------------------------ constructed traces

    @Test
    void agentWithRetrieverAndTool_exposesTopLevelRetrievalContextAndExportsEquivalent() {
        Trace t = roundTrip(resource("agent_rag_tool_v3.json"));
        assertThat(t.traceId()).isEqualTo("tr-7f3e9a0c1b2d4e5f60718293a4b5c6d7");
        assertThat(t.experimentId()).isEqualTo("42");
        assertThat(t.info().clientRequestId()).isEqualTo("req-8841");
        assertThat(t.info().tags()).containsEntry("environment", "production");
        assertThat(t.info().traceMetadata()).containsEntry("is_truncated", "false");
        assertThat(t.spans()).extracting(Span::spanType).containsExactly(SpanTypes.AGENT, SpanTypes.RETRIEVER,
                SpanTypes.RETRIEVER, SpanTypes.TOOL, SpanTypes.CHAT_MODEL);
        Span retriever = t.spans().get(1);
        assertThat(retriever.attributes()).containsEntry("retriever.top_k", 2L)
                .containsEntry("vector_store", "pgvector") // not JSON: kept as text
                .containsEntry("index.street", "123 Main Street"); // not the number 123
        Span tool = t.spansOfType(SpanTypes.TOOL).get(0);
        assertThat(tool.inputs()).isEqualTo(Map.of("order_id", "123"));
        assertThat(tool.outputs()).isEqualTo(Map.of("status", "shipped", "shipped_at", "2025-06-14", "eta_days", 2L));
        assertThat(tool.events()).containsExactly(new SpanEvent("cache_miss", 1750000000221000000L, Map.of("key", "order:123")));

        ScorerInput in = ScorerInput.of(t);
        assertThat(in.input("messages")).isEqualTo(List.of(Map.of("role", "user",
                "content", "Where is my order #123? Also, what is your refund policy?")));
        assertThat(in.output("content")).isEqualTo("Your order shipped yesterday. Refunds are possible within 30 days.");
        assertThat(in.expectations()).isEmpty();
        // the nested RETRIEVER is not top-level: only the outer one's documents count
        assertThat(in.retrievalContext()).containsOnlyKeys("8899aabbccddeeff");
        assertThat(in.retrievalContext().get("8899aabbccddeeff")).containsExactly(
                new RetrievedDocument("8899aabbccddeeff", "Refunds are accepted within 30 days of delivery.",
                        "https://kb.example.com/refunds"),
                new RetrievedDocument("8899aabbccddeeff", "Items must be unused.",
                        "https://kb.example.com/refunds#conditions"));
    }

    @Test
    void erroredTrace_keepsStateStatusAndExceptionAndHasNoOutputs() {
        Trace t = roundTrip(resource("errored_v3.json"));
        assertThat(t.info().state()).isEqualTo(TraceState.ERROR);
        assertThat(t.info().clientRequestId()).isNull();
        assertThat(t.info().responsePreview()).isNull();
        Span root = t.rootSpan().orElseThrow();
        assertThat(root.status().code()).isEqualTo(SpanStatusCode.ERROR);
        assertThat(root.status().message()).isEqualTo("ConnectionError: orders-service unreachable");
        Span tool = t.spansOfType(SpanTypes.TOOL).get(0);
        assertThat(tool.events()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("exception");
            assertThat(e.attributes()).containsEntry("exception.type", "ConnectionError")
                    .containsEntry("exception.escaped", "False");
        });
        ScorerInput in = ScorerInput.of(t);
        assertThat(in.inputs()).isEqualTo(Map.of("query", "cancel order 77"));
        assertThat(in.outputs()).isNull();
        assertThat(in.outputText()).isEmpty();
        assertThat(tool.inputs()).isEqualTo(Map.of("order_id", 77L));
    }

    @Test
    void traceWithFeedbackAndExpectations_exposesValidExpectationsAndEveryFeedbackKind() {
        Trace t = roundTrip(resource("assessed_v3.json"));
        List<Assessment> as = t.info().assessments();
        assertThat(as).extracting(Assessment::assessmentId)
                .containsExactly("a-0001", "a-0002", "a-0003", "a-0004", "a-0005", "a-0006", "a-0007");
        Assessment human = as.get(0);
        assertThat(human.source().type()).isEqualTo(AssessmentSourceType.HUMAN);
        assertThat(human.source().sourceId()).isEqualTo("alice@example.com");
        assertThat(human.feedback().value()).isEqualTo(true);
        assertThat(human.rationale()).isEqualTo("Clear and short.");
        assertThat(human.createTime()).isEqualTo(Instant.parse("2025-06-15T15:09:00Z"));
        Assessment judge = as.get(1);
        assertThat(judge.spanId()).isEqualTo("00000000000000b1");
        assertThat(judge.scorerName()).isEqualTo("relevance");
        assertThat(judge.scorerVersion()).isEqualTo(2);
        assertThat(judge.metadata()).containsEntry("cost_usd", "0.00012");
        assertThat(judge.lastUpdateTime()).isEqualTo(Instant.parse("2025-06-15T15:11:00.250Z"));
        assertThat(judge.valid()).isTrue();
        assertThat(as.get(2).feedback().value()).isEqualTo(Map.of("fluency", 4L, "accuracy", 0.9,
                "labels", List.of("concise", "correct")));
        FeedbackValue error = as.get(3).feedback();
        assertThat(error.isError()).isTrue();
        assertThat(error.error().code()).isEqualTo("RATE_LIMITED");
        assertThat(error.error().message()).isEqualTo("429 Too Many Requests");
        assertThat(error.error().stackTrace()).isEqualTo("at judge.call(Judge.java:88)");
        assertThat(as.get(4).valid()).isFalse();
        assertThat(as.get(5).overrides()).isEqualTo("a-0005");

        ScorerInput in = ScorerInput.of(t);
        assertThat(in.inputs()).isEqualTo(Map.of("question", "What is MLflow?"));
        assertThat(in.outputs()).isEqualTo("MLflow is an open-source platform for the ML lifecycle.");
        // the overridden (invalid) expectation is not given to scorers
        assertThat(in.expectations()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "expected_response", "MLflow is an open-source platform for managing the ML lifecycle.",
                "expected_facts", List.of("open-source", "ML lifecycle")));
    }

    @Test
    void v2Trace_importsAndExportsAsTheEquivalentV3Trace() {
        Trace t = roundTrip(resource("chain_v2.json"), resource("chain_v2_expected_v3.json"));
        assertThat(t.traceId()).isEqualTo("7f3e9a0c1b2d4e5f60718293a4b5c6d7");
        assertThat(t.experimentId()).isEqualTo("3");
        assertThat(t.info().requestTime()).isEqualTo(Instant.ofEpochMilli(1750000000123L));
        assertThat(t.info().executionDurationMs()).isEqualTo(850L);
        assertThat(t.info().traceMetadata()).containsEntry("mlflow.user", "bob");
        assertThat(t.spans()).extracting(Span::spanId).containsExactly("0011223344556677", "8899aabbccddeeff");
        assertThat(t.spans().get(1).parentSpanId()).isEqualTo("0011223344556677");
        assertThat(t.spans().get(1).status().code()).isEqualTo(SpanStatusCode.ERROR);
        assertThat(t.spans().get(1).status().message()).isEqualTo("rate limited, retried");
        assertThat(t.spans().get(1).events()).containsExactly(new SpanEvent("retry", 1750000000500000000L, Map.of("attempt", 2L)));
        ScorerInput in = ScorerInput.of(t);
        assertThat(in.inputs()).isEqualTo(Map.of("question", "hi"));
        assertThat(in.outputs()).isEqualTo("hello");
    }

    @Test
    void olderV3TraceWithBase64IdsAndStringNanos_importsWithHexIdsAndExportsEquivalent() {
        Trace t = roundTrip(resource("older_v3_base64.json"));
        assertThat(t.spans()).extracting(Span::spanId).containsExactly("0011223344556677", "8899aabbccddeeff");
        assertThat(t.rootSpan().orElseThrow().parentSpanId()).isNull();
        assertThat(t.spans().get(1).parentSpanId()).isEqualTo("0011223344556677");
        assertThat(t.spans().get(0).startTimeUnixNano()).isEqualTo(1750000000123000000L);
        assertThat(t.spans().get(1).events().get(0).timeUnixNano()).isEqualTo(1750000000250000000L);
        assertThat(t.info().executionDurationMs()).isEqualTo(850L);
        assertThat(MlflowJson.toTree(t).get("data").get("spans").get(0).get("trace_id").asText())
                .isEqualTo("7f3e9a0c1b2d4e5f60718293a4b5c6d7");
        ScorerInput in = ScorerInput.of(t);
        assertThat(in.inputs()).isEqualTo(Map.of("q", "hi"));
        assertThat(in.retrievalContext().get("8899aabbccddeeff"))
                .containsExactly(new RetrievedDocument("8899aabbccddeeff", "Hello is a greeting.", "wiki://hello"));
    }

    // ------------------------------------------------------------------ equivalence can fail

    @Test
    void equivalence_detectsAChangedValue() {
        String original = resource("agent_rag_tool_v3.json");
        String changed = original.replace("\\\"eta_days\\\": 2", "\\\"eta_days\\\": 3");
        assertThat(changed).isNotEqualTo(original);
        assertThat(MlflowEquivalence.normalise(changed)).isNotEqualTo(MlflowEquivalence.normalise(original));
        String changedNanos = original.replace("1750000000973000000", "1750000000973000001");
        assertThat(MlflowEquivalence.normalise(changedNanos)).isNotEqualTo(MlflowEquivalence.normalise(original));
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void readTrace_badInput_saysWhatIsWrong() {
        assertThatThrownBy(() -> MlflowJson.readTrace("[1, 2]")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\"info\"");
        assertThatThrownBy(() -> MlflowJson.readTrace("{\"data\": {}}")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no \"info\"");
        assertThatThrownBy(() -> MlflowJson.readTrace("{\"info\": {\"trace_id\": \"tr-1\"")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not valid JSON");
        String badState = resource("errored_v3.json").replace("\"state\": \"ERROR\"", "\"state\": \"EXPLODED\"");
        assertThatThrownBy(() -> MlflowJson.readTrace(badState)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("EXPLODED").hasMessageContaining("IN_PROGRESS");
        String badNanos = resource("older_v3_base64.json").replace("\"1750000000123000000\"", "\"soon\"");
        assertThatThrownBy(() -> MlflowJson.readTrace(badNanos)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("soon");
        String noExperiment = resource("errored_v3.json").replace("\"experiment_id\": \"42\"", "\"experiment_id\": null");
        assertThatThrownBy(() -> MlflowJson.readTrace(noExperiment)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("experiment id");
    }

    @Test
    void jsonParse_trailingText_isRejectedNotTruncated() {
        assertThatThrownBy(() -> Json.parse("123 Main Street")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Json.parse("true story")).isInstanceOf(InvalidInputException.class);
        assertThat(Json.parse(" 123 ")).isEqualTo(123L);
    }

    @Test
    void jsonParse_hugeFloat_keptAsBigDecimal() {
        assertThat(Json.parse("1e400")).isEqualTo(new java.math.BigDecimal("1e400"));
        assertThat(Json.parse("0.25")).isEqualTo(0.25);
    }

    @Test
    void jsonNonFiniteNumbers_readAsPythonWritesThemAndWrittenAsStrings() {
        assertThat(Json.parse("NaN")).isEqualTo(Double.NaN);
        assertThat(Json.parse("[Infinity, -Infinity]")).isEqualTo(List.of(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        // written as strings: standard JSON that every store and parser accepts
        assertThat(Json.write(Map.of("score", Double.NaN))).isEqualTo("{\"score\":\"NaN\"}");
    }
}
