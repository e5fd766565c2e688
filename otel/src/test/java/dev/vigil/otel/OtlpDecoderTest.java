package dev.vigil.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.testkit.Fixtures;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class OtlpDecoderTest {

    private final OtlpDecoder decoder = new OtlpDecoder(64L * 1024 * 1024);

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static KeyValue kv(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    static io.opentelemetry.proto.trace.v1.Span.Builder span(String traceHex, String spanHex, String parentHex) {
        HexFormat hex = HexFormat.of();
        var b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setTraceId(ByteString.copyFrom(hex.parseHex(traceHex)))
                .setSpanId(ByteString.copyFrom(hex.parseHex(spanHex))).setName("span-" + spanHex)
                .setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(1_700_000_000_000_000_000L).setEndTimeUnixNano(1_700_000_001_000_000_000L)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK));
        if (parentHex != null) {
            b.setParentSpanId(ByteString.copyFrom(hex.parseHex(parentHex)));
        }
        return b;
    }

    static ExportTraceServiceRequest request(String service, io.opentelemetry.proto.trace.v1.Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", service)))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(Arrays.asList(spans)))).build();
    }

    static ExportTraceServiceRequest chatRequest(String traceHex) {
        return request("shop", span(traceHex, "00000000000000a1", null)
                .addAttributes(kv("gen_ai.operation.name", "chat"))
                .addAttributes(kv("gen_ai.request.model", "gpt-4o-mini"))
                .addAttributes(kv("gen_ai.input.messages",
                        "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Hi?\"}]}]"))
                .addAttributes(kv("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                        + "\"content\":\"Hello!\"}],\"finish_reason\":\"stop\"}]"))
                .addAttributes(kv("gen_ai.usage.input_tokens", 12)).addAttributes(kv("gen_ai.usage.output_tokens", 3))
                .addAttributes(kv("gen_ai.conversation.id", "conv-1")).build());
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void protobufRequest_decodesToHexIdsAndMapsGenAiChat() {
        byte[] body = chatRequest("5b8efff798038103d269b633813fc60c").toByteArray();

        JsonNode root = decoder.decode(body, OtlpDecoder.Encoding.PROTOBUF, false);
        List<Trace> traces = OtlpMapper.readTraces(root, "1");

        Trace t = traces.get(0);
        assertThat(t.traceId()).isEqualTo("tr-5b8efff798038103d269b633813fc60c");
        Span s = t.spans().get(0);
        assertThat(s.spanId()).isEqualTo("00000000000000a1");
        assertThat(s.spanType()).isEqualTo(SpanTypes.CHAT_MODEL);
        assertThat(s.attributes()).containsEntry("otel.span.kind", "CLIENT");
        assertThat(Json.write(s.inputs())).contains("\"role\":\"user\"").contains("Hi?");
        assertThat(Json.write(s.outputs())).contains("Hello!");
        assertThat(t.info().traceMetadata()).containsEntry("mlflow.trace.session", "conv-1")
                .containsEntry("mlflow.trace.tokenUsage",
                        "{\"input_tokens\":12,\"output_tokens\":3,\"total_tokens\":15}");
    }

    @Test
    void gzipProtobufAndJson_decodeToTheSameTraces() throws IOException {
        ExportTraceServiceRequest req = chatRequest("5b8efff798038103d269b633813fc60c");
        JsonNode fromProto = decoder.decode(gzip(req.toByteArray()), OtlpDecoder.Encoding.PROTOBUF, true);
        byte[] json = Json.write(fromProto).getBytes(StandardCharsets.UTF_8);
        JsonNode fromJson = decoder.decode(gzip(json), OtlpDecoder.Encoding.JSON, true);

        assertThat(OtlpMapper.readTraces(fromJson, "1")).isEqualTo(OtlpMapper.readTraces(fromProto, "1"));
    }

    @Test
    void otelProtoExampleFixture_decodesThroughProtobufRoundTrip() {
        JsonNode fixture = Json.readTree(Fixtures.read("otlp/otel_proto_examples_trace.json"));
        List<Trace> direct = OtlpMapper.readTraces(fixture, "1");

        assertThat(direct).isNotEmpty();
        assertThat(direct.get(0).spans()).isNotEmpty();
        assertThat(direct.get(0).traceId()).matches("tr-[0-9a-f]{32}");
    }

    @Test
    void enumsAsNamesAndIntValueAsString_areAccepted() {
        String json = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},
                 "scopeSpans":[{"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174",
                  "name":"x","kind":"SPAN_KIND_SERVER","startTimeUnixNano":"1544712660000000000",
                  "endTimeUnixNano":"1544712661000000000","status":{"code":"STATUS_CODE_ERROR","message":"boom"},
                  "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"7"}}]}]}]}]}""";
        Trace t = OtlpMapper.readTraces(decoder.decode(json.getBytes(StandardCharsets.UTF_8),
                OtlpDecoder.Encoding.JSON, false), "1").get(0);

        assertThat(t.spans().get(0).spanId()).isEqualTo("eee19b7ec3c1b174");
        assertThat(t.spans().get(0).attributes()).containsEntry("otel.span.kind", "SERVER")
                .containsEntry("gen_ai.usage.input_tokens", 7L);
        assertThat(t.info().state()).isEqualTo(dev.vigil.spi.model.TraceState.ERROR);
    }

    @Test
    void truncatedProtobuf_isRejectedWithAClearMessage() {
        byte[] body = chatRequest("5b8efff798038103d269b633813fc60c").toByteArray();
        byte[] truncated = Arrays.copyOf(body, body.length - 7);

        assertThatThrownBy(() -> decoder.decode(truncated, OtlpDecoder.Encoding.PROTOBUF, false))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a protobuf ExportTraceServiceRequest");
    }

    @Test
    void jsonWithWrongTypes_isRejectedWithAClearMessage() {
        assertThatThrownBy(() -> decoder.decode("{\"resourceSpans\": 5}".getBytes(StandardCharsets.UTF_8),
                OtlpDecoder.Encoding.JSON, false)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("must be an array");
        assertThatThrownBy(() -> decoder.decode("[1,2]".getBytes(StandardCharsets.UTF_8), OtlpDecoder.Encoding.JSON,
                false)).isInstanceOf(InvalidInputException.class).hasMessageContaining("ExportTraceServiceRequest");
        assertThatThrownBy(() -> decoder.decode("{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8),
                OtlpDecoder.Encoding.JSON, false)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void idsOfWrongLength_rejectThoseSpansOnlyAsPartialSuccess() {
        ExportTraceServiceRequest req = request("shop", span("5b8efff798038103d269b633813fc60c", "00000000000000a1",
                null).build(), span("5b8efff798038103", "00000000000000a2", null).build(),
                span("5b8efff798038103d269b633813fc60c", "00a3", null).build());

        OtlpMapper.Result r = OtlpMapper.map(decoder.decode(req.toByteArray(), OtlpDecoder.Encoding.PROTOBUF, false),
                resource -> "1");

        assertThat(r.acceptedSpans()).isEqualTo(1);
        assertThat(r.rejectedSpans()).isEqualTo(2);
        assertThat(r.rejectionMessage()).contains("traceId").contains("32 hex digits");
        assertThat(r.traces()).hasSize(1);
    }

    @Test
    void tenMegabyteAttribute_isKeptWhole() {
        String big = "x".repeat(10 * 1024 * 1024);
        ExportTraceServiceRequest req = request("shop", span("5b8efff798038103d269b633813fc60c", "00000000000000a1",
                null).addAttributes(kv("input.value", big)).build());

        Trace t = OtlpMapper.readTraces(decoder.decode(req.toByteArray(), OtlpDecoder.Encoding.PROTOBUF, false), "1")
                .get(0);

        assertThat(((String) t.spans().get(0).inputs())).hasSize(big.length());
    }

    @Test
    void bodyOverTheLimit_orGzipBomb_isTooLarge() throws IOException {
        OtlpDecoder small = new OtlpDecoder(1024);
        byte[] zeros = new byte[10 * 1024 * 1024];

        assertThatThrownBy(() -> small.decode(zeros, OtlpDecoder.Encoding.PROTOBUF, false))
                .isInstanceOf(RequestTooLargeException.class).hasMessageContaining("limit of 1024 bytes");
        byte[] bomb = gzip(zeros);
        assertThatThrownBy(() -> small.decode(bomb, OtlpDecoder.Encoding.PROTOBUF, true))
                .isInstanceOf(RequestTooLargeException.class);
        assertThatThrownBy(() -> decoder.decode(new byte[] {1, 2, 3}, OtlpDecoder.Encoding.PROTOBUF, true))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("gzip");
    }

    @Test
    void contentTypes_mapToEncodings() {
        assertThat(OtlpDecoder.Encoding.fromContentType("application/x-protobuf")).isEqualTo(OtlpDecoder.Encoding.PROTOBUF);
        assertThat(OtlpDecoder.Encoding.fromContentType("application/json; charset=utf-8"))
                .isEqualTo(OtlpDecoder.Encoding.JSON);
        assertThat(OtlpDecoder.Encoding.fromContentType("text/plain")).isNull();
    }

    @Test
    void openInferenceAttributes_takePrecedenceAndMapToMlflowShapes() {
        ExportTraceServiceRequest req = request("rag",
                span("5b8efff798038103d269b633813fc60c", "00000000000000a1", null)
                        .addAttributes(kv("openinference.span.kind", "LLM"))
                        .addAttributes(kv("gen_ai.operation.name", "chat"))
                        .addAttributes(kv("llm.model_name", "gpt-4o"))
                        .addAttributes(kv("llm.input_messages.0.message.role", "system"))
                        .addAttributes(kv("llm.input_messages.0.message.content", "Be brief."))
                        .addAttributes(kv("llm.input_messages.1.message.role", "user"))
                        .addAttributes(kv("llm.input_messages.1.message.content", "Capital of France?"))
                        .addAttributes(kv("llm.output_messages.0.message.role", "assistant"))
                        .addAttributes(kv("llm.output_messages.0.message.content", "Paris."))
                        .addAttributes(kv("llm.token_count.prompt", 20)).addAttributes(kv("llm.token_count.completion", 2))
                        .addAttributes(kv("session.id", "s-9")).addAttributes(kv("user.id", "u-1")).build(),
                span("5b8efff798038103d269b633813fc60c", "00000000000000a2", "00000000000000a1")
                        .addAttributes(kv("openinference.span.kind", "RETRIEVER"))
                        .addAttributes(kv("retrieval.documents.0.document.content", "Paris is the capital."))
                        .addAttributes(kv("retrieval.documents.0.document.id", "doc://fr"))
                        .addAttributes(kv("retrieval.documents.0.document.score", "0.9")).build());

        Trace t = OtlpMapper.readTraces(decoder.decode(req.toByteArray(), OtlpDecoder.Encoding.PROTOBUF, false), "1")
                .get(0);

        Span llm = t.spans().get(0);
        assertThat(llm.spanType()).isEqualTo(SpanTypes.LLM);
        assertThat(llm.inputs()).isEqualTo(Map.of("messages", List.of(Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Capital of France?")), "model", "gpt-4o"));
        assertThat(Json.write(llm.outputs())).contains("\"content\":\"Paris.\"");
        assertThat(llm.attributes().get("mlflow.chat.tokenUsage"))
                .isEqualTo(Map.of("input_tokens", 20L, "output_tokens", 2L, "total_tokens", 22L));
        Span retriever = t.spans().get(1);
        assertThat(retriever.spanType()).isEqualTo(SpanTypes.RETRIEVER);
        assertThat(Json.write(retriever.outputs())).contains("\"page_content\":\"Paris is the capital.\"")
                .contains("\"doc_uri\":\"doc://fr\"");
        assertThat(t.info().traceMetadata()).containsEntry("mlflow.trace.session", "s-9")
                .containsEntry("mlflow.trace.user", "u-1");
    }

    @Test
    void spanWithoutCapturedContent_hasNoInputsOrOutputs() {
        ExportTraceServiceRequest req = request("shop", span("5b8efff798038103d269b633813fc60c", "00000000000000a1",
                null).addAttributes(kv("gen_ai.operation.name", "chat"))
                .addAttributes(kv("gen_ai.usage.input_tokens", 5)).build());

        Span s = OtlpMapper.readTraces(decoder.decode(req.toByteArray(), OtlpDecoder.Encoding.PROTOBUF, false), "1")
                .get(0).spans().get(0);

        assertThat(s.spanType()).isEqualTo(SpanTypes.CHAT_MODEL);
        assertThat(s.inputs()).isNull();
        assertThat(s.outputs()).isNull();
    }

    @Test
    void olderGenAiEvents_becomeMessagesAndChoices() {
        ExportTraceServiceRequest req = request("shop", span("5b8efff798038103d269b633813fc60c", "00000000000000a1",
                null).addAttributes(kv("gen_ai.operation.name", "chat"))
                .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName("gen_ai.user.message")
                        .addAttributes(kv("gen_ai.event.content", "{\"content\":\"Hi there\"}")))
                .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName("gen_ai.choice")
                        .addAttributes(kv("gen_ai.event.content",
                                "{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"content\":\"Hello\"}}")))
                .build());

        Span s = OtlpMapper.readTraces(decoder.decode(req.toByteArray(), OtlpDecoder.Encoding.PROTOBUF, false), "1")
                .get(0).spans().get(0);

        assertThat(s.inputs()).isEqualTo(Map.of("messages", List.of(Map.of("role", "user", "content", "Hi there"))));
        assertThat(Json.write(s.outputs())).contains("\"content\":\"Hello\"").contains("\"finish_reason\":\"stop\"");
    }
}
