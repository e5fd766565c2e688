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
 *
 * <p>{@code vigilMixOnly} is an explanation, not a reference: the same hash ({@link TraceIdHash}'s definition, the
 * same value, checked in setup) on words packed from the ids in advance, so it measures only the arithmetic — two
 * lanes of 4 and 5 dependent MurmurHash3 block steps, the close and {@code fmix64} — without reading the string.
 * If it is close to {@code vigil}, that dependency chain, which the stable hash definition fixes, is the bound.
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

    private long[] words;

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
        words = new long[1024 * 9];
        for (int i = 0; i < mlflowIds.length; i++) {
            String id = mlflowIds[i];
            for (int w = 0; w < 9; w++) {
                long k = 0;
                for (int c = 0; c < 4 && w * 4 + c < id.length(); c++) {
                    k |= (long) id.charAt(w * 4 + c) << (16 * c);
                }
                words[i * 9 + w] = k;
            }
            if (mixOnly(i) != vigil.hash(id, "safety") || viaChars(id) != vigil.hash(id, "safety")) {
                throw new IllegalStateException("vigilMixOnly does not compute the sampler's hash for " + id);
            }
        }
    }

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private static long step(long h, long k) {
        k *= C1;
        k = Long.rotateLeft(k, 31);
        k *= C2;
        h ^= k;
        return Long.rotateLeft(h, 27) * 5 + 0x52dce729;
    }

    /** TraceIdHash of a 35-character id from its nine packed words: lane a words 0,2,4,6; lane b 1,3,5,7,8. */
    private long mixOnly(int i) {
        int o = i * 9;
        long a = Sampler.DEFAULT_SEED;
        long b = Sampler.DEFAULT_SEED ^ 0xC2B2AE3D27D4EB4FL;
        for (int w = 0; w < 8; w += 2) {
            a = step(a, words[o + w]);
            b = step(b, words[o + w + 1]);
        }
        b = step(b, words[o + 8]);
        return TraceIdHash.finish(a ^ Long.rotateLeft(b * C1, 31) ^ (35 + 1) * 0x9E3779B97F4A7C15L);
    }

    private final char[] buf = new char[64];

    /** The same hash, the id's chars copied out first with getChars (an intrinsic) into a reused buffer. */
    private long viaChars(String text) {
        int n = text.length();
        char[] c = n <= buf.length ? buf : new char[n];
        text.getChars(0, n, c, 0);
        long a = Sampler.DEFAULT_SEED;
        long b = Sampler.DEFAULT_SEED ^ 0xC2B2AE3D27D4EB4FL;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            a = step(a, c[i] | (long) c[i + 1] << 16 | (long) c[i + 2] << 32 | (long) c[i + 3] << 48);
            b = step(b, c[i + 4] | (long) c[i + 5] << 16 | (long) c[i + 6] << 32 | (long) c[i + 7] << 48);
        }
        if (i + 4 <= n) {
            a = step(a, c[i] | (long) c[i + 1] << 16 | (long) c[i + 2] << 32 | (long) c[i + 3] << 48);
            i += 4;
        }
        if (i < n) {
            long k = 0;
            for (int shift = 0; i < n; i++, shift += 16) {
                k |= (long) c[i] << shift;
            }
            b = step(b, k);
        }
        return TraceIdHash.finish(a ^ Long.rotateLeft(b * C1, 31) ^ (n + 1) * 0x9E3779B97F4A7C15L);
    }

    /** @return an experiment: the same hash reading the id through one getChars copy instead of charAt (no faster) */
    @Benchmark
    public boolean vigilViaChars() {
        int i = next = (next + 1) & 1023;
        return Sampler.keep(viaChars(mlflowIds[i]), threshold);
    }

    /** @return Vigil's decision computed from pre-packed words (the hash arithmetic alone) */
    @Benchmark
    public boolean vigilMixOnly() {
        int i = next = (next + 1) & 1023;
        return Sampler.keep(mixOnly(i), threshold);
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
