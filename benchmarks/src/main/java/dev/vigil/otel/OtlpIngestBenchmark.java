package dev.vigil.otel;

import com.google.protobuf.ByteString;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * OTLP intake: one protobuf request of {@value #SPANS} GenAI chat spans (10 traces), decoded + mapped + stored in
 * the memory store ({@link #ingest}), beside a raw protobuf parse of the same bytes ({@link #rawParse}, the lower
 * bound). Results in spans per second; the goal is ingest ≥ 50 % of raw parse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OtlpIngestBenchmark {

    static final int SPANS = 1000;

    private byte[] body;
    private Store store;
    private OtlpIngest ingest;
    private long round;

    @Setup(Level.Trial)
    public void setUp() {
        body = request(0).toByteArray();
        store = Stores.open("memory:");
        ingest = new OtlpIngest(new OtlpDecoder(Long.MAX_VALUE), new ExperimentRouter(store, "service.name"),
                TraceAssembler.builder(store).maxOpenTraces(Integer.MAX_VALUE).build());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static ExportTraceServiceRequest request(long salt) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (int i = 0; i < SPANS; i++) {
            ByteBuffer trace = ByteBuffer.allocate(16).putLong(salt + 1).putLong(i / 100);
            ByteBuffer span = ByteBuffer.allocate(8).putLong(i + 1);
            Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(trace.array()))
                    .setSpanId(ByteString.copyFrom(span.array())).setName("chat gpt-4o-mini")
                    .setStartTimeUnixNano(1_700_000_000_000_000_000L + i).setEndTimeUnixNano(1_700_000_001_000_000_000L)
                    .addAttributes(kv("gen_ai.operation.name", "chat"))
                    .addAttributes(kv("gen_ai.request.model", "gpt-4o-mini"))
                    .addAttributes(kv("gen_ai.input.messages",
                            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Question " + i + "?\"}]}]"))
                    .addAttributes(kv("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":"
                            + "\"text\",\"content\":\"Answer " + i + ".\"}],\"finish_reason\":\"stop\"}]"))
                    .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.input_tokens")
                            .setValue(AnyValue.newBuilder().setIntValue(20)));
            if (i % 100 != 0) {
                s.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(i - i % 100 + 1).array()));
            }
            scope.addSpans(s);
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "bench"))).addScopeSpans(scope))
                .build();
    }

    private byte[] next;

    /** Builds the next request (new trace ids) outside the measured time: one invocation is ~ms, so fine. */
    @Setup(Level.Invocation)
    public void nextRequest() {
        next = request(++round).toByteArray();
    }

    /** Decode + map + store: a fresh request each time (new trace ids), as live traffic is. */
    @Benchmark
    @OperationsPerInvocation(SPANS)
    public Object ingest() {
        return ingest.ingest(next, OtlpDecoder.Encoding.PROTOBUF, false, null, null);
    }

    /** The reference: the protobuf parse alone. */
    @Benchmark
    @OperationsPerInvocation(SPANS)
    public Object rawParse() {
        return OtlpDecoder.parseProtobuf(body);
    }
}
