package dev.vigil.server;

import com.google.protobuf.ByteString;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.scorer.SamplingConfig;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code POST /v1/traces} → assessment stored, on loopback (JMH sample mode: read p50/p99): one OTLP/HTTP protobuf
 * request holding one finished GenAI chat span (a new trace each time) is posted to a {@link VigilServer} with a
 * quiet period of zero over the memory store, and the time runs until the engine has stored the one code scorer's
 * assessment on that trace. Reference in the same run: {@link #postOnly}, the same POST answered (the trace stored,
 * nothing scored), so the difference is assembly completion + tailing + scoring + the upsert.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OtlpPostToAssessmentBenchmark {

    private Vigil vigil;
    private VigilServer server;
    private HttpClient http;
    private URI endpoint;
    private long next;
    private byte[] body;
    private String traceId;

    @Setup(Level.Trial)
    public void start() {
        vigil = Vigil.builder().store("memory:").build();
        vigil.experiment("bench").scorers().register(Scorers.code("has_output", in -> in.outputs() != null))
                .start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        server = VigilServer.builder(vigil).port(0).quietPeriod(Duration.ZERO).start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        endpoint = URI.create(server.url() + "/v1/traces");
    }

    @TearDown(Level.Trial)
    public void stop() {
        server.close();
        vigil.close();
        http.close();
    }

    /** The next request (a new trace id), built outside the measured time. */
    @Setup(Level.Invocation)
    public void nextRequest() {
        long n = ++next;
        byte[] trace = ByteBuffer.allocate(16).putLong(0x5b8e_0000_0000_0000L | System.nanoTime() & 0xFFFF_FFFFL)
                .putLong(n).array();
        traceId = "tr-" + java.util.HexFormat.of().formatHex(trace);
        Span span = Span.newBuilder().setTraceId(ByteString.copyFrom(trace))
                .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n).array())).setName("chat gpt-4o-mini")
                .setStartTimeUnixNano(1_700_000_000_000_000_000L).setEndTimeUnixNano(1_700_000_000_500_000_000L)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
                .addAttributes(kv("gen_ai.operation.name", "chat")).addAttributes(kv("gen_ai.input.messages",
                        "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Question " + n + "?\"}]}]"))
                .addAttributes(kv("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                        + "\"content\":\"Answer " + n + ".\"}],\"finish_reason\":\"stop\"}]"))
                .build();
        body = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "bench")))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build().toByteArray();
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private void post() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-protobuf").header("x-vigil-experiment", "bench")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST /v1/traces answered " + r.statusCode());
        }
    }

    /**
     * POST, then wait until the assessment is stored.
     *
     * @throws Exception if the POST fails
     */
    @Benchmark
    public void postToAssessment() throws Exception {
        post();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (vigil.store().assessments().listByTrace(traceId).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no assessment on " + traceId + " after 30 s");
            }
            Thread.onSpinWait();
        }
    }

    /**
     * The reference: the POST answered (trace stored), not waiting for the score.
     *
     * @throws Exception if the POST fails
     */
    @Benchmark
    public void postOnly() throws Exception {
        post();
    }
}
