package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vigil.core.Vigil;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpHttpStatusTest {

    private final Vigil vigil = Vigil.builder().store("memory:").build();
    private VigilServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        vigil.close();
    }

    record Reply(int status, Map<String, java.util.List<String>> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Reply post(String path, String contentType, byte[] body, Map<String, String> headers) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(server.url() + path).toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        if (contentType != null) {
            c.setRequestProperty("Content-Type", contentType);
        }
        headers.forEach(c::setRequestProperty);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
        return new Reply(status, caseInsensitive(c.getHeaderFields()), bytes);
    }

    Reply get(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(server.url() + path).toURL().openConnection();
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        return new Reply(status, caseInsensitive(c.getHeaderFields()), in == null ? new byte[0] : in.readAllBytes());
    }

    static Map<String, java.util.List<String>> caseInsensitive(Map<String, java.util.List<String>> h) {
        Map<String, java.util.List<String>> m = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.forEach((k, v) -> {
            if (k != null) {
                m.put(k, v);
            }
        });
        return m;
    }

    static Span span(String trace, String span) {
        HexFormat hex = HexFormat.of();
        return Span.newBuilder().setTraceId(ByteString.copyFrom(hex.parseHex(trace)))
                .setSpanId(ByteString.copyFrom(hex.parseHex(span))).setName("s").setStartTimeUnixNano(1)
                .setEndTimeUnixNano(2).build();
    }

    static byte[] request(Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("svc"))))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(Arrays.asList(spans)))).build().toByteArray();
    }

    @Test
    void protobufRequest_gets200WithEmptyResponse_andGzipWorks() throws IOException {
        server = VigilServer.builder(vigil).port(0).start();
        Reply r = post("/v1/traces", "application/x-protobuf", request(span("0af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331")), Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("Content-Type")).containsExactly("application/x-protobuf");
        assertThat(ExportTraceServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();

        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(request(span("0af7651916cd43dd8448eb211c80319d", "b7ad6b7169203331")));
        }
        assertThat(post("/v1/traces", "application/x-protobuf", gz.toByteArray(), Map.of("Content-Encoding", "gzip"))
                .status()).isEqualTo(200);
        assertThat(vigil.store().traces().get("tr-0af7651916cd43dd8448eb211c80319d")).isPresent();
    }

    @Test
    void spansWithBadIds_getPartialSuccessWithRejectedCount() throws IOException {
        server = VigilServer.builder(vigil).port(0).start();
        Reply r = post("/v1/traces", "application/x-protobuf", request(span("0af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331"), span("0af7", "b7ad6b7169203332")), Map.of());

        assertThat(r.status()).isEqualTo(200);
        ExportTraceServiceResponse resp = ExportTraceServiceResponse.parseFrom(r.body());
        assertThat(resp.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(resp.getPartialSuccess().getErrorMessage()).contains("traceId");

        String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\",\"spanId\":\"b7ad6b7169203331\"}]}]}]}";
        Reply j = post("/v1/traces", "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(j.status()).isEqualTo(200);
        assertThat(j.text()).contains("\"rejectedSpans\":\"1\"");
    }

    @Test
    void badRequests_getTheSpecStatuses() throws IOException {
        server = VigilServer.builder(vigil).port(0).maxRequestBytes(10_000).start();
        byte[] ok = request(span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));

        assertThat(post("/v1/traces", "text/plain", ok, Map.of()).status()).isEqualTo(415);
        Reply truncated = post("/v1/traces", "application/x-protobuf", Arrays.copyOf(ok, ok.length - 5), Map.of());
        assertThat(truncated.status()).isEqualTo(400);
        Reply badJson = post("/v1/traces", "application/json", "{\"resourceSpans\": 7}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.text()).contains("must be an array");
        assertThat(post("/v1/traces", "application/x-protobuf", new byte[20_000], Map.of()).status()).isEqualTo(413);
        assertThat(get("/v1/traces").status()).isEqualTo(405);
    }

    @Test
    void admissionLimit_gets429WithRetryAfter_andNothingIsStored() throws IOException {
        server = VigilServer.builder(vigil).port(0).maxOpenTraces(1).start();
        assertThat(post("/v1/traces", "application/x-protobuf", request(span("0af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331")), Map.of()).status()).isEqualTo(200);

        Reply r = post("/v1/traces", "application/x-protobuf", request(span("1af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331")), Map.of());

        assertThat(r.status()).isEqualTo(429);
        assertThat(r.headers().get("Retry-After")).containsExactly("2");
        assertThat(vigil.store().traces().get("tr-1af7651916cd43dd8448eb211c80319c")).isEmpty();
    }

    @Test
    void token_isRequiredWhenSet_healthStaysOpen() throws IOException {
        server = VigilServer.builder(vigil).host("127.0.0.1").port(0).token("s3cret").start();
        byte[] ok = request(span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));

        assertThat(post("/v1/traces", "application/x-protobuf", ok, Map.of()).status()).isEqualTo(401);
        assertThat(post("/v1/traces", "application/x-protobuf", ok, Map.of("Authorization", "Bearer nope")).status())
                .isEqualTo(401);
        assertThat(post("/v1/traces", "application/x-protobuf", ok, Map.of("Authorization", "Bearer s3cret")).status())
                .isEqualTo(200);
        assertThat(get("/health").text()).contains("\"status\":\"UP\"");
    }

    @Test
    void withoutToken_bindsToLoopback_andMetricsCountRequests() throws IOException {
        server = VigilServer.builder(vigil).port(0).start();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        post("/v1/traces", "application/x-protobuf", request(span("0af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331")), Map.of());

        Reply prometheus = get("/metrics");
        assertThat(prometheus.headers().get("Content-Type")).singleElement().asString().startsWith("text/plain");
        assertThat(prometheus.text()).contains("# TYPE vigil_otlp_requests_total counter\n")
                .contains("vigil_otlp_requests_total{status=\"200\"} 1\n")
                .contains("vigil_otlp_spans_total{outcome=\"accepted\"} 1\n")
                .contains("# TYPE vigil_otlp_open_traces gauge\n");
        assertThat(get("/metrics?format=json").text()).contains("\"meters\"").contains("vigil.otlp.requests");
    }

    @Test
    void saturatedEngine_gets503WithRetryAfter_nothingIsStored_andRecoveryAdmitsAgain() throws IOException {
        java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong(11);
        server = VigilServer.builder(vigil).port(0).admission(dev.vigil.otel.Admission.engineBacklog(backlog::get,
                10, java.time.Duration.ofMillis(6500))).start();

        Reply refused = post("/v1/traces", "application/x-protobuf", request(span("2af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331")), Map.of());

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.headers().get("Retry-After")).containsExactly("7");
        assertThat(refused.text()).contains("11 units of work behind (limit 10)");
        assertThat(vigil.store().traces().get("tr-2af7651916cd43dd8448eb211c80319c")).isEmpty();
        assertThat(get("/metrics").text()).contains("vigil_otlp_refused_total{reason=\"engine_saturated\"} 1");

        backlog.set(10);
        assertThat(post("/v1/traces", "application/x-protobuf", request(span("2af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331")), Map.of()).status()).isEqualTo(200);
        assertThat(vigil.store().traces().get("tr-2af7651916cd43dd8448eb211c80319c")).isPresent();
    }

    @Test
    void defaultEngineBacklogAdmission_admitsAnIdleEngine() throws IOException {
        server = VigilServer.builder(vigil).port(0).maxEngineBacklog(0).start();

        assertThat(post("/v1/traces", "application/x-protobuf", request(span("3af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331")), Map.of()).status()).isEqualTo(200);
    }
}
