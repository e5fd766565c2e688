package dev.vigil.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The protobuf fast path maps exactly what the OTLP/JSON path maps from the same request. */
class OtlpProtoReaderTest {

    private static final Function<Map<String, Object>, String> ROUTE =
            resource -> String.valueOf(resource.getOrDefault("service.name", "default"));

    private static final String[] VALUES = {
        "chat", "execute_tool", "retrieval", "embeddings", "LLM", "RETRIEVER", "workflow", "plain text",
        "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Hi?\"}]}]",
        "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Hello\"},{\"type\":\"tool_call\","
                + "\"id\":\"c1\",\"name\":\"f\",\"arguments\":{\"x\":1.5}}],\"finish_reason\":\"stop\"}]",
        "[{\"content\":\"doc\",\"id\":\"u1\",\"score\":0.25}]", "{\"a\": [1, 2, 1e400, 12345678901234567890]}",
        "\"quoted\"", "{not json", "[1, 2", "NaN", "{\"x\": NaN}", "",
    };
    private static final String[] KEYS = {
        "gen_ai.operation.name", "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
        "gen_ai.retrieval.documents", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result",
        "gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
        "openinference.span.kind", "input.value", "output.value", "llm.input_messages.0.message.role",
        "llm.input_messages.0.message.content", "llm.token_count.prompt", "mlflow.spanType", "mlflow.spanInputs",
        "mlflow.spanOutputs", "traceloop.span.kind", "traceloop.entity.input", "session.id", "user.id",
        "gen_ai.prompt.0.role", "gen_ai.prompt.0.content", "gen_ai.completion.0.content", "custom",
    };

    @Test
    void randomRequests_mapIdenticallyFromProtobufAndFromTheirJsonForm() {
        Random random = new Random(20261205);
        for (int round = 0; round < 300; round++) {
            ExportTraceServiceRequest request = randomRequest(random);

            OtlpMapper.Result direct = OtlpMapper.map(request, ROUTE);
            OtlpMapper.Result viaJson = OtlpMapper.map(OtlpDecoder.toJson(request), ROUTE);

            assertThat(direct).as("round %d: %s", round, request).isEqualTo(viaJson);
        }
    }

    @Test
    void idsOfWrongLength_areRejectedWithTheFieldAndTheExpectedLength() {
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(
                ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder()
                        .addSpans(span(bytes(16, 1), bytes(8, 2), null))
                        .addSpans(span(bytes(8, 3), bytes(8, 4), null))
                        .addSpans(span(bytes(16, 1), bytes(3, 5), null))
                        .addSpans(span(bytes(16, 0), bytes(8, 6), null)))).build();

        OtlpMapper.Result r = OtlpMapper.map(request, ROUTE);

        assertThat(r.acceptedSpans()).isEqualTo(1);
        assertThat(r.rejectedSpans()).isEqualTo(3);
        assertThat(r.rejectionMessage()).contains("traceId").contains("has 8 bytes").contains("32 hex digits");
        assertThat(r.traces()).singleElement().satisfies(t -> assertThat(t.traceId())
                .isEqualTo("tr-01010101010101010101010101010101"));
    }

    private static ByteString bytes(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return ByteString.copyFrom(b);
    }

    private static Span span(ByteString trace, ByteString id, ByteString parent) {
        Span.Builder s = Span.newBuilder().setTraceId(trace).setSpanId(id).setName("s")
                .setStartTimeUnixNano(1_700_000_000_000_000_000L).setEndTimeUnixNano(1_700_000_001_000_000_000L);
        if (parent != null) {
            s.setParentSpanId(parent);
        }
        return s.build();
    }

    private static ExportTraceServiceRequest randomRequest(Random r) {
        ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
        int resources = 1 + r.nextInt(2);
        for (int i = 0; i < resources; i++) {
            ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(Resource.newBuilder()
                    .addAttributes(kv("service.name", AnyValue.newBuilder().setStringValue("svc" + r.nextInt(2)).build())));
            ScopeSpans.Builder scope = ScopeSpans.newBuilder();
            int spans = 1 + r.nextInt(6);
            for (int j = 0; j < spans; j++) {
                ByteString trace = bytes(16, 1 + r.nextInt(3));
                Span.Builder s = Span.newBuilder().setTraceId(trace).setSpanId(bytes(8, 1 + r.nextInt(50)))
                        .setName("span" + r.nextInt(5)).setKindValue(r.nextInt(6))
                        .setStartTimeUnixNano(1_700_000_000_000_000_000L + r.nextInt(1000))
                        .setEndTimeUnixNano(r.nextInt(4) == 0 ? 0 : 1_700_000_001_000_000_000L);
                if (r.nextBoolean()) {
                    s.setParentSpanId(r.nextInt(5) == 0 ? bytes(8, 0) : bytes(8, 1 + r.nextInt(50)));
                }
                if (r.nextBoolean()) {
                    s.setStatus(Status.newBuilder().setCodeValue(r.nextInt(3)).setMessage(r.nextBoolean() ? "" : "m"));
                }
                int attrs = r.nextInt(8);
                for (int k = 0; k < attrs; k++) {
                    s.addAttributes(kv(KEYS[r.nextInt(KEYS.length)], randomValue(r, 2)));
                }
                if (r.nextInt(3) == 0) {
                    s.addEvents(Span.Event.newBuilder().setName(r.nextBoolean() ? "gen_ai.choice" : "gen_ai.user.message")
                            .setTimeUnixNano(5).addAttributes(kv(r.nextBoolean() ? "gen_ai.event.content" : "content",
                                    randomValue(r, 1))));
                }
                scope.addSpans(s);
            }
            req.addResourceSpans(rs.addScopeSpans(scope));
        }
        return req.build();
    }

    private static AnyValue randomValue(Random r, int depth) {
        return switch (r.nextInt(depth > 0 ? 8 : 5)) {
            case 0, 1 -> AnyValue.newBuilder().setStringValue(VALUES[r.nextInt(VALUES.length)]).build();
            case 2 -> AnyValue.newBuilder().setIntValue(r.nextLong(-5, 1_000_000)).build();
            case 3 -> AnyValue.newBuilder().setDoubleValue(r.nextDouble()).build();
            case 4 -> AnyValue.newBuilder().setBoolValue(r.nextBoolean()).build();
            case 5 -> AnyValue.newBuilder().setBytesValue(bytes(3, r.nextInt(200))).build();
            case 6 -> AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                    .addAllValues(List.of(randomValue(r, depth - 1), randomValue(r, depth - 1)))).build();
            default -> AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                    .addValues(kv("k" + r.nextInt(3), randomValue(r, depth - 1)))).build();
        };
    }

    private static KeyValue kv(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }
}
