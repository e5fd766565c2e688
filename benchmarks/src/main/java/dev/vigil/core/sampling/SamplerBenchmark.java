package dev.vigil.core.sampling;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One sampling decision: Vigil's {@link Sampler} on an MLflow trace id ({@code tr-} + 32 hex digits) versus
 * OpenTelemetry's {@code Sampler.traceIdRatioBased} on the same trace id (its 32 hex digits, the OTel form), at the
 * same rate, in the same run. {@code guavaMurmur3} is the alternative hash that was considered (Guava's seeded
 * Murmur3-128 of the id's UTF-8 bytes) with the same threshold comparison. Each call takes the next of 1024 ids.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SamplerBenchmark {

    private static final double RATE = 0.1;

    private String[] mlflowIds;
    private String[] otelIds;
    private int next;

    private final Sampler vigil = Sampler.nested(Sampler.DEFAULT_SEED);
    private final long threshold = Sampler.threshold(RATE);
    private final io.opentelemetry.sdk.trace.samplers.Sampler otel =
            io.opentelemetry.sdk.trace.samplers.Sampler.traceIdRatioBased(RATE);
    private final HashFunction murmur = Hashing.murmur3_128((int) Sampler.DEFAULT_SEED);

    /** Fixed ids from a fixed seed. */
    @Setup
    public void ids() {
        Random r = new Random(42);
        mlflowIds = new String[1024];
        otelIds = new String[1024];
        byte[] b = new byte[16];
        for (int i = 0; i < mlflowIds.length; i++) {
            r.nextBytes(b);
            mlflowIds[i] = "tr-" + HexFormat.of().formatHex(b);
        }
        for (int i = 0; i < otelIds.length; i++) {
            otelIds[i] = mlflowIds[i].substring(3);
        }
    }

    /** @return Vigil's decision */
    @Benchmark
    public boolean vigil() {
        int i = next = (next + 1) & 1023;
        return Sampler.keep(vigil.hash(mlflowIds[i], "safety"), threshold);
    }

    /** @return OpenTelemetry's decision */
    @Benchmark
    public boolean opentelemetry() {
        int i = next = (next + 1) & 1023;
        return otel.shouldSample(Context.root(), otelIds[i], "safety", SpanKind.INTERNAL, Attributes.empty(),
                List.of()).getDecision() == SamplingDecision.RECORD_AND_SAMPLE;
    }

    /** @return the same decision with Guava's Murmur3-128 as the hash (the alternative considered) */
    @Benchmark
    public boolean guavaMurmur3() {
        int i = next = (next + 1) & 1023;
        return Sampler.keep(murmur.hashString(mlflowIds[i], StandardCharsets.UTF_8).asLong(), threshold);
    }
}
