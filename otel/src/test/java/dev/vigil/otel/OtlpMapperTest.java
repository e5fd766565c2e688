package dev.vigil.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatusCode;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.testkit.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpMapperTest {

    private static List<Trace> read(String fixture) {
        return OtlpMapper.readTraces(Json.readTree(Fixtures.read(fixture)), "7");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @Test
    void openlitChatSpan_becomesChatModelTraceWithPromptAndCompletionFromEvents() {
        List<Trace> traces = read("otlp/derived_otlp_json_openlit_genai.json");

        assertThat(traces).hasSize(1);
        Trace t = traces.get(0);
        assertThat(t.traceId()).isEqualTo("tr-ea673708441c2984a54a3e3962d3595f");
        assertThat(t.experimentId()).isEqualTo("7");
        assertThat(t.info().state()).isEqualTo(TraceState.OK);
        assertThat(t.info().requestTime()).isEqualTo(Instant.ofEpochMilli(1738074845669L));
        assertThat(t.info().executionDurationMs()).isEqualTo(1174L);
        Span s = t.spans().get(0);
        assertThat(s.spanType()).isEqualTo(SpanTypes.CHAT_MODEL);
        assertThat(s.spanId()).isEqualTo("b904bffb20be6d7e");
        assertThat(s.status().code()).isEqualTo(SpanStatusCode.OK);
        assertThat(map(s.inputs()).get("messages"))
                .isEqualTo(List.of(Map.of("role", "user", "content", "What is LLM Observability?")));
        Map<String, Object> choice = map(list(map(s.outputs()).get("choices")).get(0));
        assertThat(map(choice.get("message")).get("content").toString()).startsWith("LLM Observability stands for");
        assertThat(choice.get("finish_reason")).isEqualTo("stop");
        assertThat(map(s.attributes().get("mlflow.chat.tokenUsage")))
                .containsEntry("input_tokens", 14L).containsEntry("output_tokens", 96L);
        assertThat(t.info().traceMetadata()).containsEntry("service.name", "default")
                .containsEntry("mlflow.traceName", "openai.chat.completions");
        // what a scorer sees: the root span's inputs and outputs
        ScorerInput in = ScorerInput.of(t);
        assertThat(in.outputText()).contains("LLM Observability stands for");
    }

    @Test
    void traceloopIndexedPromptAttributes_becomeMessages() {
        Trace t = read("otlp/derived_otlp_json_traceloop_genai.json").get(0);

        Span s = t.spans().get(0);
        assertThat(s.spanType()).isEqualTo(SpanTypes.CHAT_MODEL);
        assertThat(map(s.inputs()).get("messages"))
                .isEqualTo(List.of(Map.of("role", "user", "content", "What is LLM Observability?")));
        Map<String, Object> choice = map(list(map(s.outputs()).get("choices")).get(0));
        assertThat(map(choice.get("message"))).containsEntry("role", "assistant");
        assertThat(map(choice.get("message")).get("content").toString()).startsWith("LLM Observability (Logs,");
        assertThat(map(s.outputs())).containsEntry("model", "gpt-3.5-turbo-0125");
        assertThat(t.info().traceMetadata().get("mlflow.trace.tokenUsage")).contains("\"input_tokens\":14");
    }

    @Test
    void protobufJsShape_readsTheSameSpanAsCanonicalJson() {
        Trace canonical = read("otlp/derived_otlp_json_openlit_genai.json").get(0);
        Trace protobufJs = read("otlp/langfuse_openlit_resourcespan_protobufjs.json").get(0);

        assertThat(protobufJs.traceId()).isEqualTo(canonical.traceId());
        Span a = canonical.spans().get(0);
        Span b = protobufJs.spans().get(0);
        assertThat(b.spanId()).isEqualTo(a.spanId());
        assertThat(b.startTimeUnixNano()).isEqualTo(a.startTimeUnixNano());
        assertThat(b.endTimeUnixNano()).isEqualTo(a.endTimeUnixNano());
        assertThat(b.inputs()).isEqualTo(a.inputs());
        assertThat(b.outputs()).isEqualTo(a.outputs());
    }

    @Test
    void canonicalProtoExample_keepsUpperCaseHexIdsAsLowerCaseAndThePartialParent() {
        Trace t = read("otlp/otel_proto_examples_trace.json").get(0);

        assertThat(t.traceId()).isEqualTo("tr-5b8efff798038103d269b633813fc60c");
        Span s = t.spans().get(0);
        assertThat(s.parentSpanId()).isEqualTo("eee19b7ec3c1b173");
        assertThat(t.rootSpan()).contains(s);
        assertThat(s.spanType()).isEqualTo(SpanTypes.UNKNOWN);
        assertThat(s.attributes()).containsEntry("my.span.attr", "some value").containsEntry("otel.span.kind", "SERVER");
    }

    /** Builds an OTLP request whose attribute values are the semantic conventions' own examples. */
    private static JsonNode semconvRequest() {
        Map<String, Object> examples = new LinkedHashMap<>();
        for (Object e : list(Json.parse(Fixtures.read("otlp/semconv-genai/examples-llm-calls.attribute-values.json")))) {
            examples.put((String) map(e).get("id"), map(e).get("value"));
        }
        String tid = "0af7651916cd43dd8448eb211c80319c";
        List<Object> spans = new ArrayList<>();
        spans.add(span(tid, "00f067aa0ba902b7", null, "invoke_agent weather", List.of(
                attr("gen_ai.operation.name", "invoke_agent")), 0, 900));
        spans.add(span(tid, "00f067aa0ba902b8", "00f067aa0ba902b7", "chat gpt-4", List.of(
                attr("gen_ai.operation.name", "chat"), attr("gen_ai.request.model", "gpt-4"),
                attr("gen_ai.input.messages", Json.write(examples.get("gen-ai-input-messages-tool-call-span-1"))),
                attr("gen_ai.output.messages", Json.write(examples.get("gen-ai-output-messages-tool-call-span-1"))),
                attr("gen_ai.tool.definitions", Json.write(examples.get("gen-ai-tool-definitions-tool-call-span-1")))),
                10, 200));
        spans.add(span(tid, "00f067aa0ba902b9", "00f067aa0ba902b7", "execute_tool get_weather", List.of(
                attr("gen_ai.operation.name", "execute_tool"), attr("gen_ai.tool.name", "get_weather"),
                attr("gen_ai.tool.call.arguments", "{\"location\":\"Paris\"}"),
                attr("gen_ai.tool.call.result", "rainy, 57°F")), 210, 300));
        spans.add(span(tid, "00f067aa0ba902ba", "00f067aa0ba902b7", "retrieval", List.of(
                attr("gen_ai.operation.name", "retrieval"), attr("gen_ai.retrieval.query.text", "Paris climate"),
                attr("gen_ai.retrieval.documents", "[{\"id\":\"doc-1\",\"score\":0.9,\"content\":\"Paris is rainy in November.\"}]")),
                310, 400));
        spans.add(span(tid, "00f067aa0ba902bb", "00f067aa0ba902b7", "chat gpt-4", List.of(
                attr("gen_ai.operation.name", "chat"),
                attr("gen_ai.system_instructions", Json.write(examples.get("gen-ai-system-instructions"))),
                attr("gen_ai.input.messages", Json.write(examples.get("gen-ai-input-messages-tool-call-span-2"))),
                attr("gen_ai.output.messages", Json.write(examples.get("gen-ai-output-messages-tool-call-span-2")))),
                410, 890));
        return Json.toNode(Map.of("resourceSpans", List.of(Map.of("resource", Map.of("attributes", List.of()),
                "scopeSpans", List.of(Map.of("spans", spans))))));
    }

    private static Map<String, Object> attr(String key, String value) {
        return Map.of("key", key, "value", Map.of("stringValue", value));
    }

    private static Map<String, Object> span(String tid, String sid, String parent, String name,
            List<Map<String, Object>> attrs, long startMs, long endMs) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("traceId", tid);
        s.put("spanId", sid);
        if (parent != null) {
            s.put("parentSpanId", parent);
        }
        s.put("name", name);
        s.put("startTimeUnixNano", String.valueOf(1_700_000_000_000_000_000L + startMs * 1_000_000));
        s.put("endTimeUnixNano", String.valueOf(1_700_000_000_000_000_000L + endMs * 1_000_000));
        s.put("attributes", attrs);
        s.put("status", Map.of("code", 1));
        return s;
    }

    @Test
    void semanticConventionAttributes_mapToMlflowSpanTypesInputsAndOutputs() {
        Trace t = OtlpMapper.readTraces(semconvRequest(), "1").get(0);

        assertThat(t.spans()).extracting(Span::spanType).containsExactly(SpanTypes.AGENT, SpanTypes.CHAT_MODEL,
                SpanTypes.TOOL, SpanTypes.RETRIEVER, SpanTypes.CHAT_MODEL);
        Span toolCall = t.spans().get(1);
        Map<String, Object> msg = map(map(list(map(toolCall.outputs()).get("choices")).get(0)).get("message"));
        Map<String, Object> call = map(list(msg.get("tool_calls")).get(0));
        assertThat(map(call.get("function"))).containsEntry("name", "get_weather")
                .containsEntry("arguments", "{\"location\":\"Paris\"}");
        assertThat(map(map(list(map(toolCall.outputs()).get("choices")).get(0)))).containsEntry("finish_reason", "tool_call");
        assertThat(toolCall.attributes().get("gen_ai.tool.definitions")).isInstanceOf(List.class);

        Span tool = t.spans().get(2);
        assertThat(tool.inputs()).isEqualTo(Map.of("location", "Paris"));
        assertThat(tool.outputs()).isEqualTo("rainy, 57°F");

        ScorerInput in = ScorerInput.of(t);
        assertThat(in.retrievalContext().get("00f067aa0ba902ba")).singleElement().satisfies(d -> {
            assertThat(d.content()).isEqualTo("Paris is rainy in November.");
            assertThat(d.docUri()).isEqualTo("doc-1");
        });
        Span answer = t.spans().get(4);
        List<Object> messages = list(map(answer.inputs()).get("messages"));
        assertThat(map(messages.get(0))).containsEntry("role", "system").containsEntry("content", "You must never tell jokes");
        assertThat(map(messages.get(3))).containsEntry("role", "tool").containsEntry("content", "rainy, 57°F")
                .containsEntry("tool_call_id", "call_VSPygqKTWdrhaFErNvMV18Yl");
        assertThat(map(map(list(map(answer.outputs()).get("choices")).get(0)).get("message")).get("content"))
                .isEqualTo("The weather in Paris is currently rainy with a temperature of 57°F.");
        assertThat(t.info().executionDurationMs()).isEqualTo(900L);
    }

    @Test
    void spanWithoutTraceId_isRejectedSayingWhichField() {
        JsonNode bad = Json.readTree("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"00f067aa0ba902b7\"}]}]}]}");

        assertThatThrownBy(() -> OtlpMapper.readTraces(bad, "1")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("traceId");
    }

    @Test
    void badHexId_isRejectedWithTheValue() {
        JsonNode bad = Json.readTree("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\",\"spanId\":\"00f067aa0ba902b7\"}]}]}]}");

        assertThatThrownBy(() -> OtlpMapper.readTraces(bad, "1")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\"xyz\"").hasMessageContaining("32 hex digits");
    }
}
